/**
 * Removing files (§5): a deleted message's files, and uploads that no message used within the
 * orphan window. Records go first (from then on the file answers 404 everywhere), bytes second;
 * deleting bytes is idempotent, so instances sweeping at the same time do no harm, and the
 * store's guarded delete makes a sweep and a send that race for one upload never both win.
 */
import type { FileStorage } from "../files/files.ts";
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";
import type { Store } from "../store/store.ts";
import { log } from "../log.ts";

/** Deletes the files a message carries (the hook a message deletion calls). */
export async function deleteMessageFiles(
  store: Store,
  files: FileStorage,
  message: Pick<Message, "attachments">,
): Promise<number> {
  let removed = 0;
  for (const a of message.attachments ?? []) {
    await store.attachments.delete(a.id);
    if (await files.delete(a.id)) removed++;
  }
  return removed;
}

export interface SweepOptions {
  /** Uploads unclaimed for longer than this are removed (24 h by default). */
  olderThanMs?: number;
  /** Records examined per pass. */
  batch?: number;
}

/** Removes unclaimed uploads older than the window; answers how many it removed. */
export async function sweepOrphanUploads(
  store: Store,
  files: FileStorage,
  now: number,
  options: SweepOptions = {},
): Promise<number> {
  const cutoff = new Date(
    now - (options.olderThanMs ?? limits.orphanUploadTtlMs),
  ).toISOString();
  let removed = 0;
  for (
    const a of await store.attachments.unclaimed(cutoff, options.batch ?? 200)
  ) {
    // Only while still unclaimed: a send that claimed it meanwhile keeps it.
    if (!await store.attachments.delete(a.id, { onlyUnclaimed: true })) {
      continue;
    }
    await files.delete(a.id);
    removed++;
  }
  return removed;
}

/** Sweeps every `intervalMs` until the answered function is called; errors are logged. */
export function startOrphanSweeper(
  store: Store,
  files: FileStorage,
  options: SweepOptions & { intervalMs: number; now?: () => number },
): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweepOrphanUploads(
        store,
        files,
        (options.now ?? Date.now)(),
        options,
      );
    } catch (err) {
      log.warn("attachments.sweep_failed", "attachments: orphan sweep failed", {
        err,
      });
    } finally {
      running = false;
    }
  }, options.intervalMs);
  return () => clearInterval(timer);
}
