/**
 * HTTP rate limits: a keyed token bucket in front of a route. Over budget answers
 * `429 rate_limited` with `retry_after_ms` and a `Retry-After` header.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import type { KeyedLimiter } from "../lib/core/rate_limit.ts";
import { ChatError } from "../lib/protocol/errors.ts";

/** Budgets of the HTTP API (the socket has its own, per connection). */
export interface HttpRateSettings {
  /** Register and login attempts per client address: burst, then per minute. */
  authBurst: number;
  authPerMinute: number;
  /** Password hashes computed at once, and waiting beyond them (then 503). */
  hashConcurrency?: number;
  hashQueue?: number;
  /** Failed logins per username within the window before that username gets 429. */
  loginFailureLimit?: number;
  loginFailureWindowMs?: number;
}

/** Limits requests by the key `keyOf` answers. */
export function limitBy(
  limiter: KeyedLimiter,
  keyOf: (c: Context) => string,
): MiddlewareHandler {
  return async (c, next) => {
    const wait = limiter.take(keyOf(c));
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      throw new ChatError("rate_limited", "Too many requests; slow down", {
        retry_after_ms: wait,
      });
    }
    await next();
  };
}

/** The client's address as the socket sees it (a proxy in front is one client). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
