/**
 * Messages the reader sent that the server has not echoed yet, keyed by nonce. An entry leaves
 * when its echo (or a history page holding it) arrives; a retry keeps the nonce so the server
 * can drop duplicates.
 */
import { signal } from "@preact/signals-core";
import { deleteIn, setIn } from "./signal_map.ts";

/** One unsent message. */
export interface OutboxEntry {
  readonly nonce: string;
  readonly group_id: string;
  readonly text: string;
  readonly status: "pending" | "failed";
  readonly error: string | null;
  readonly queued_at: number;
  /** §5: uploads the message carries (absent when none). */
  readonly attachment_ids?: readonly string[];
  /** §4: the seq of the message this one replies to. */
  readonly reply_to?: number;
}

/** The bounded outbox of one tab. */
export class Outbox {
  /** nonce → entry, in the order they were queued. */
  readonly entries = signal<ReadonlyMap<string, OutboxEntry>>(new Map());

  constructor(private readonly max = 100) {}

  /** Queues a message as pending; null when the outbox is full. */
  enqueue(
    groupId: string,
    text: string,
    nonce: string,
    now: number,
    replyTo?: number,
    attachmentIds: readonly string[] = [],
  ): OutboxEntry | null {
    if (this.entries.value.size >= this.max) return null;
    const entry: OutboxEntry = {
      nonce,
      group_id: groupId,
      text,
      status: "pending",
      error: null,
      queued_at: now,
      ...(attachmentIds.length ? { attachment_ids: attachmentIds } : {}),
      ...(replyTo ? { reply_to: replyTo } : {}),
    };
    setIn(this.entries, nonce, entry);
    return entry;
  }

  /** The entry with this nonce, if any. */
  get(nonce: string): OutboxEntry | undefined {
    return this.entries.value.get(nonce);
  }

  /** Shows an entry as failed, with the reason. */
  markFailed(nonce: string, error: string): void {
    const e = this.entries.value.get(nonce);
    if (e) setIn(this.entries, nonce, { ...e, status: "failed", error });
  }

  /** Puts an entry back to pending (for a retry); null when it is gone. */
  markPending(nonce: string): OutboxEntry | null {
    const e = this.entries.value.get(nonce);
    if (!e) return null;
    const next: OutboxEntry = { ...e, status: "pending", error: null };
    setIn(this.entries, nonce, next);
    return next;
  }

  /** Removes an entry (sent, or discarded by the reader). */
  remove(nonce: string): void {
    deleteIn(this.entries, nonce);
  }

  /** Removes every entry of a group the reader left. */
  dropGroup(groupId: string): void {
    const rest = [...this.entries.value].filter(([, e]) =>
      e.group_id !== groupId
    );
    if (rest.length !== this.entries.value.size) {
      this.entries.value = new Map(rest);
    }
  }

  /** Entries of one group, oldest first. */
  forGroup(groupId: string): OutboxEntry[] {
    return [...this.entries.value.values()].filter((e) =>
      e.group_id === groupId
    );
  }

  /** Entries still waiting for their echo (not failed), oldest first. */
  pending(): OutboxEntry[] {
    return [...this.entries.value.values()].filter((e) =>
      e.status === "pending"
    );
  }
}
