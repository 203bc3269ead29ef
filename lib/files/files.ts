/**
 * The file-storage port: the bytes of uploaded attachments, by id. Metadata (who, which group,
 * which message) lives in the store; rules (limits, who may read) live in the core.
 *
 * Contract (every adapter runs `tests/contracts/files_contract.ts`):
 * - `write` consumes the whole stream. The file becomes visible to `size`/`read` only once
 *   every byte is stored; if the stream errors (e.g. the core cut it at the size limit) or the
 *   write fails, nothing of it stays in storage and `write` rethrows the stream's error.
 * - Several instances (processes) may share one storage: a file written by one is read by all,
 *   and no adapter relies on in-process locks.
 * - Writing an id that exists already fails (ids are fresh for every upload).
 * - `read` streams the bytes `start..end` (inclusive, clamped to the file); it answers null
 *   for an id that is not stored. A reader never holds a whole file in memory.
 * - `delete` is idempotent: deleting an absent id answers false and does not throw.
 * - Every method may throw when the storage is unreachable; none throws for "not found".
 */

/** A byte range, both ends inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface FileStorage {
  /** Stores the stream's bytes under `id` (see the contract); answers the byte count. */
  write(id: string, body: ReadableStream<Uint8Array>): Promise<number>;
  /** The stored size of `id`, or null when it is not stored. */
  size(id: string): Promise<number | null>;
  /** The bytes of `id` (all, or `range`), or null when it is not stored. */
  read(
    id: string,
    range?: ByteRange,
  ): Promise<ReadableStream<Uint8Array> | null>;
  /** Removes `id`; true when it was stored. */
  delete(id: string): Promise<boolean>;
  /** True when the storage answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Ids are ours (`newId`); anything else must never become a path or a key. */
export const fileIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads a stream into one array of at most `max` bytes (for headers, never whole files). */
export async function readPrefix(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(max);
  let filled = 0;
  const reader = stream.getReader();
  try {
    while (filled < max) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, max - filled);
      out.set(value.subarray(0, take), filled);
      filled += take;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out.subarray(0, filled);
}
