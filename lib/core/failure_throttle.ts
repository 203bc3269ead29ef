/**
 * Failed attempts per key (a username) in a sliding window: past `limit` failures the key is
 * blocked until the oldest of them leaves the window. Guessing one account's password from many
 * addresses is slowed as much as from one. Bounded: past `maxKeys` the least recently failed key
 * is forgotten, so a flood of distinct names cannot grow memory without limit.
 */

export interface FailureThrottleOptions {
  limit: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}

export class FailureThrottle {
  /** Failure times per key, oldest first, at most `limit` of them; map order is recency. */
  #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(options: FailureThrottleOptions) {
    this.#limit = Math.max(1, Math.floor(options.limit));
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** 0 when `key` may try now, else the ms until it may. */
  blockedForMs(key: string): number {
    const times = this.#recent(key);
    if (times.length < this.#limit) return 0;
    return Math.max(1, times[0] + this.#windowMs - this.#now());
  }

  /** Records one failure of `key`. */
  fail(key: string): void {
    const times = this.#recent(key);
    times.push(this.#now());
    if (times.length > this.#limit) times.shift();
    this.#failures.delete(key); // re-insert: the map's order is recency of failure
    if (this.#failures.size >= this.#maxKeys) {
      this.#failures.delete(this.#failures.keys().next().value!);
    }
    this.#failures.set(key, times);
  }

  /** Takes back the latest failure: an attempt counted in advance that did not fail. */
  forgive(key: string): void {
    this.#failures.get(key)?.pop();
  }

  /** A success clears the key's failures. */
  succeed(key: string): void {
    this.#failures.delete(key);
  }

  get size(): number {
    return this.#failures.size;
  }

  /** The key's failures still inside the window (older ones dropped). */
  #recent(key: string): number[] {
    const times = this.#failures.get(key);
    if (!times) return [];
    const since = this.#now() - this.#windowMs;
    while (times.length && times[0] <= since) times.shift();
    if (times.length === 0) this.#failures.delete(key);
    return times;
  }
}
