/**
 * Files the reader is attaching to their next message, per group: each uploads at once with its
 * own progress, can be cancelled, retried after a failure, or removed. Framework-free (signals),
 * with the transport injected so tests drive it without a network.
 */
import { computed, signal } from "@preact/signals-core";
import type { Attachment } from "../protocol/types.ts";
import { limits } from "../protocol/limits.ts";
import type { Uploader, UploadHandle } from "./xhr_upload.ts";

/** One file on its way. */
export interface PendingUpload {
  readonly key: string;
  readonly group_id: string;
  readonly name: string;
  readonly size: number;
  readonly status: "uploading" | "done" | "failed";
  /** 0…1 while uploading. */
  readonly progress: number;
  readonly error: string | null;
  readonly attachment: Attachment | null;
}

/** The attachments of the next message, per group. */
export class UploadQueue {
  readonly items = signal<readonly PendingUpload[]>([]);
  #files = new Map<string, Blob & { name?: string }>();
  #running = new Map<string, UploadHandle>();
  #seq = 0;

  constructor(private readonly upload: Uploader) {}

  /** Adds files to a group's next message; answers a sentence when some were refused. */
  add(
    groupId: string,
    files: Iterable<Blob & { name?: string }>,
  ): string | null {
    let refused = 0;
    for (const file of files) {
      if (this.forGroup(groupId).length >= limits.maxAttachmentsPerMessage) {
        refused++;
        continue;
      }
      const key = `u${++this.#seq}`;
      this.#files.set(key, file);
      this.#put({
        key,
        group_id: groupId,
        name: file.name || "file",
        size: file.size,
        status: "uploading",
        progress: 0,
        error: null,
        attachment: null,
      });
      this.#start(key);
    }
    return refused
      ? `A message takes at most ${limits.maxAttachmentsPerMessage} files.`
      : null;
  }

  /** Stops an upload and drops it. */
  cancel(key: string): void {
    this.#running.get(key)?.abort();
    this.#running.delete(key);
    this.#files.delete(key);
    this.items.value = this.items.value.filter((u) => u.key !== key);
  }

  /** Uploads a failed file again. */
  retry(key: string): void {
    const item = this.items.value.find((u) => u.key === key);
    if (!item || item.status !== "failed") return;
    this.#update(key, { status: "uploading", progress: 0, error: null });
    this.#start(key);
  }

  /** A group's files, in the order they were added. */
  forGroup(groupId: string): PendingUpload[] {
    return this.items.value.filter((u) => u.group_id === groupId);
  }

  /** True while a group has a file still uploading. */
  busy(groupId: string): boolean {
    return this.forGroup(groupId).some((u) => u.status === "uploading");
  }

  /** The ids of a group's uploaded files, for the message that takes them. */
  readyIds(groupId: string): string[] {
    return this.forGroup(groupId).flatMap((u) =>
      u.status === "done" && u.attachment ? [u.attachment.id] : []
    );
  }

  /** Empties a group's list after its message was sent (their uploads now belong to it). */
  takeGroup(groupId: string): void {
    for (const u of this.forGroup(groupId)) this.cancel(u.key);
  }

  /** Aborts everything (the page is going away). */
  dispose(): void {
    for (const handle of this.#running.values()) handle.abort();
    this.#running.clear();
  }

  readonly count = computed(() => this.items.value.length);

  #start(key: string): void {
    const file = this.#files.get(key);
    const item = this.items.value.find((u) => u.key === key);
    if (!file || !item) return;
    const url = `/api/groups/${
      encodeURIComponent(item.group_id)
    }/attachments?name=${encodeURIComponent(item.name)}`;
    const handle = this.upload(url, file, (loaded, total) => {
      if (this.#running.get(key) === handle) {
        this.#update(key, {
          progress: total > 0 ? Math.min(1, loaded / total) : 0,
        });
      }
    });
    this.#running.set(key, handle);
    handle.done.then(
      (attachment) => {
        if (this.#running.get(key) !== handle) return;
        this.#running.delete(key);
        this.#update(key, { status: "done", progress: 1, attachment });
      },
      (err: Error) => {
        if (this.#running.get(key) !== handle) return;
        this.#running.delete(key);
        this.#update(key, { status: "failed", error: err.message });
      },
    );
  }

  #put(item: PendingUpload): void {
    this.items.value = [...this.items.value, item];
  }

  #update(key: string, patch: Partial<PendingUpload>): void {
    this.items.value = this.items.value.map((u) =>
      u.key === key ? { ...u, ...patch } : u
    );
  }
}
