/**
 * Retries a Deno KV write that SQLite refused because another connection held the file's write
 * lock. Processes sharing one KV file hit this under load (large atomic commits especially), and
 * the write is safe to retry: a refused commit applied nothing.
 */

const MAX_ATTEMPTS = 12;
const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 250;

/** Runs `write`, retrying with jittered backoff while the database file is locked. */
export async function retryWhileLocked<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isLockedError(err)) throw err;
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
      await new Promise((resolve) =>
        setTimeout(resolve, delay / 2 + Math.random() * delay / 2)
      );
    }
  }
}

function isLockedError(err: unknown): boolean {
  return err instanceof Error &&
    /database is locked|database is busy/i.test(err.message);
}
