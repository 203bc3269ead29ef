/** A token bucket: `capacity` frames at once, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = capacity;
    this.#updatedAt = now();
  }

  /** Takes one token: answers 0 when allowed, else the ms until one is available. */
  take(): number {
    const now = this.now();
    this.#tokens = Math.min(
      this.capacity,
      this.#tokens + ((now - this.#updatedAt) / 1000) * this.perSecond,
    );
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }
}

/** Counts events in a sliding window; `hit()` answers whether the limit is now exceeded. */
export class WindowCounter {
  #hits: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(): boolean {
    const now = this.now();
    this.#hits.push(now);
    while (this.#hits.length && this.#hits[0] <= now - this.windowMs) {
      this.#hits.shift();
    }
    return this.#hits.length > this.limit;
  }
}

/**
 * Token buckets by key (a user, an address), bounded: past `maxKeys` the least recently used
 * bucket is forgotten, so a flood of distinct keys cannot grow memory without limit.
 */
export class KeyedLimiter {
  #buckets = new Map<string, TokenBucket>();

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the ms until one is available. */
  take(key: string): number {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key); // re-insert: the map's order is recency of use
    } else {
      bucket = new TokenBucket(this.capacity, this.perSecond, this.now);
      if (this.#buckets.size >= this.maxKeys) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
    }
    this.#buckets.set(key, bucket);
    return bucket.take();
  }

  get size(): number {
    return this.#buckets.size;
  }
}
