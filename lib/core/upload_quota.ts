/**
 * Per-user upload budgets by rate (§5: one account cannot fill the disk): a number of uploads
 * (burst, refilled per hour) and a number of bytes per hour. Buckets are per instance and bounded
 * in count, like every other rate limit of the service.
 */
import { KeyedLimiter } from "./rate_limit.ts";

export interface UploadQuotaSettings {
  /** Uploads a user may start at once, refilled at `countPerHour`. */
  countBurst: number;
  countPerHour: number;
  /** Bytes a user may upload per hour (also the burst). */
  bytesPerHour: number;
}

const hourMs = 60 * 60 * 1000;
const maxUsers = 100_000;

/** A byte bucket per user, drawn as bytes arrive. */
class ByteBuckets {
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly capacity: number,
    private readonly now: () => number,
  ) {}

  /** Takes `n` bytes: 0 when allowed, else the ms until they would be. */
  take(key: string, n: number): number {
    const now = this.now();
    let b = this.#buckets.get(key);
    if (b) {
      this.#buckets.delete(key); // re-insert: the map's order is recency of use
      b.tokens = Math.min(
        this.capacity,
        b.tokens + (now - b.at) * this.capacity / hourMs,
      );
      b.at = now;
    } else {
      b = { tokens: this.capacity, at: now };
      if (this.#buckets.size >= maxUsers) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
    }
    this.#buckets.set(key, b);
    if (b.tokens >= n) {
      b.tokens -= n;
      return 0;
    }
    return Math.ceil((n - b.tokens) * hourMs / this.capacity);
  }
}

/** The upload budgets of one instance. */
export class UploadQuota {
  #count: KeyedLimiter;
  #bytes: ByteBuckets;

  constructor(settings: UploadQuotaSettings, now: () => number = Date.now) {
    this.#count = new KeyedLimiter(
      settings.countBurst,
      settings.countPerHour / 3600,
      maxUsers,
      now,
    );
    this.#bytes = new ByteBuckets(settings.bytesPerHour, now);
  }

  /** Starts one upload: 0 when allowed, else the ms to wait. */
  startUpload(userId: string): number {
    return this.#count.take(userId);
  }

  /** Draws `n` bytes: 0 when allowed, else the ms to wait. */
  takeBytes(userId: string, n: number): number {
    return this.#bytes.take(userId, n);
  }
}
