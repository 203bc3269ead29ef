/**
 * Bounds costly work (password hashing: scrypt holds ~16 MiB while it runs): at most
 * `concurrency` tasks run at once, at most `queueLimit` wait, and beyond that a task is refused at
 * once with `unavailable` and a `retry_after_ms` estimate. A waiting task holds no memory but its
 * closure, so the queue may be much longer than the pool.
 */
import { ChatError } from "../protocol/errors.ts";

export interface WorkGateOptions {
  concurrency: number;
  queueLimit: number;
  now?: () => number;
}

export class WorkGate {
  #running = 0;
  #waiting: Array<() => void> = [];
  /** Moving average of a task's run time, for the retry estimate. */
  #averageMs = 100;
  readonly #concurrency: number;
  readonly #queueLimit: number;
  readonly #now: () => number;

  constructor(options: WorkGateOptions) {
    this.#concurrency = Math.max(1, Math.floor(options.concurrency));
    this.#queueLimit = Math.max(0, Math.floor(options.queueLimit));
    this.#now = options.now ?? Date.now;
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` when a slot is free; throws `unavailable` when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#queueLimit) {
        throw new ChatError(
          "unavailable",
          "The server is busy checking passwords; try again shortly",
          { retry_after_ms: this.#retryAfterMs() },
        );
      }
      // The slot is handed over by the finishing task, so #running stays counted.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    const startedAt = this.#now();
    try {
      return await task();
    } finally {
      this.#averageMs = 0.8 * this.#averageMs +
        0.2 * Math.max(1, this.#now() - startedAt);
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }

  /** About when a slot would be free for a task arriving now. */
  #retryAfterMs(): number {
    const ahead = this.#waiting.length + this.#running;
    return Math.max(
      100,
      Math.ceil(this.#averageMs * ahead / this.#concurrency),
    );
  }
}
