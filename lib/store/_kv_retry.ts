/**
 * Retries Deno KV calls that SQLite refused because another connection held the file's lock.
 * Processes sharing one KV file hit this under load (large atomic commits especially) and when
 * several start at once on a new file (one creates the schema while the others' `Deno.openKv`
 * gives up after SQLite's own busy timeout). Every retried call is safe to repeat: a refused
 * commit applied nothing, and opening or reading changes nothing.
 */

const MAX_ATTEMPTS = 12;
const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 250;

/** Runs `call`, retrying with jittered backoff while the database file is locked. */
export async function retryWhileLocked<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isLockedError(err)) throw err;
      await sleep(
        jittered(Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt)),
      );
    }
  }
}

/** Commits `op`; a commit refused for a locked file applied nothing, so it is sent again. */
export function commit(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  return retryWhileLocked(() => op.commit());
}

/** How long opening may wait for a lock to clear when the caller does not say. */
export const defaultOpenTimeoutMs = 15_000;

/** The lock on a KV file did not clear within the time allowed to open it. */
export class KvLockedError extends Error {
  constructor(
    readonly path: string,
    readonly waitedMs: number,
    cause: unknown,
  ) {
    super(
      `Cannot open Deno KV at ${path}: the file stayed locked for ${
        Math.round(waitedMs / 100) / 10
      } s`,
      { cause },
    );
    this.name = "KvLockedError";
  }
}

/**
 * Opens the KV database at `path`, retrying while another process holds the file's lock, for at
 * most `timeoutMs`; then fails with `KvLockedError`. Any other failure is thrown at once.
 */
export async function openKvWhenUnlocked(
  path: string | undefined,
  timeoutMs = defaultOpenTimeoutMs,
): Promise<Deno.Kv> {
  const startedAt = Date.now();
  for (let attempt = 1;; attempt++) {
    try {
      return await Deno.openKv(path);
    } catch (err) {
      if (!isLockedError(err)) throw err;
      const waited = Date.now() - startedAt;
      if (waited >= timeoutMs) {
        throw new KvLockedError(path ?? "(default)", waited, err);
      }
      const delay = jittered(Math.min(1_000, 20 * 2 ** attempt));
      await sleep(Math.min(delay, timeoutMs - waited));
    }
  }
}

/** True for SQLite's "database is locked" / busy answers, whatever wraps them. */
export function isLockedError(err: unknown): boolean {
  return err instanceof Error &&
    /database is locked|database is busy/i.test(err.message);
}

/** Half the delay plus up to half again at random, so contending processes spread out. */
function jittered(delayMs: number): number {
  return delayMs / 2 + Math.random() * delayMs / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
