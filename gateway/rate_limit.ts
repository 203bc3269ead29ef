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
