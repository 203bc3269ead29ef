/**
 * Group commit for the embedded bus. A commit to a KV file costs a fixed ~250 µs of CPU however
 * little it writes (measured here: one `set` ≈ 260 µs; ten appends in one commit ≈ 75 µs each),
 * so appends that become ready while a commit is in flight are merged into the next one. Alone,
 * an append commits at once, as before; under concurrent traffic the fixed cost is shared.
 *
 * Appends of one group never meet in a batch (they run in one lane), so merged appends write
 * disjoint keys except the backlog count, whose sums add up. Every append's checks stay in the
 * merged commit, which is therefore all-or-nothing for each of them; when it is refused (one check
 * failed: a repeated nonce, or another process wrote the file) or cannot be sent (too large),
 * each append is committed alone, so only the one whose check failed is refused.
 */
import { retryWhileLocked } from "../store/_kv_retry.ts";

/** Adds one append's checks and mutations to an atomic operation. */
export type Build = (op: Deno.AtomicOperation) => void;

type Result = Deno.KvCommitResult | Deno.KvCommitError;

interface Waiting {
  build: Build;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

/**
 * Appends merged into one commit at most. Each has at most 4 checks (Deno KV allows 100 per
 * commit) and writes a message of at most ~16 KiB three times (800 KiB allowed); a deletion's
 * erasure may write more, and a merged commit that is too large falls back to one per append.
 */
const maxPerCommit = 8;

/** Commits appends one batch at a time, each batch holding what arrived meanwhile. */
export class KvCommits {
  #waiting: Waiting[] = [];
  #busy = false;

  constructor(private readonly kv: Deno.Kv) {}

  /** Commits `build`'s checks and mutations, alone or with appends of other groups. */
  commit(build: Build): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ build, resolve, reject });
      if (!this.#busy) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#waiting.length > 0) {
        await this.#commitBatch(this.#waiting.splice(0, maxPerCommit));
      }
    } finally {
      this.#busy = false;
    }
  }

  async #commitBatch(batch: Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const result = await this.#send(batch.map((w) => w.build));
        if (result.ok) {
          for (const w of batch) w.resolve(result);
          return;
        }
      } catch {
        // Too large, or the file failed: each append alone says which.
      }
    }
    for (const w of batch) {
      try {
        w.resolve(await this.#send([w.build]));
      } catch (err) {
        w.reject(err);
      }
    }
  }

  #send(builds: Build[]): Promise<Result> {
    const op = this.kv.atomic();
    for (const build of builds) build(op);
    return retryWhileLocked(() => op.commit());
  }
}
