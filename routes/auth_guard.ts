/**
 * The guard in front of register and login, the endpoints anyone may call and that each cost a
 * password hash (scrypt: ~16 MiB and tens of ms of CPU). In order: a per-address budget (429), a
 * per-username budget of failed logins whatever the address (429), then a bounded pool of hashing
 * slots with a queue (503 beyond it). Refusals come before any hashing, for known and unknown
 * usernames alike, so they reveal nothing about which accounts exist.
 */
import type { Context, MiddlewareHandler } from "hono";
import { FailureThrottle } from "../lib/core/failure_throttle.ts";
import { KeyedLimiter } from "../lib/core/rate_limit.ts";
import { WorkGate } from "../lib/core/work_gate.ts";
import { ChatError } from "../lib/protocol/errors.ts";
import { clientAddress, type HttpRateSettings, limitBy } from "./rate_limit.ts";

/** Defaults for settings `HttpRateSettings` leaves out (in-process servers, tests). */
const defaults = {
  hashConcurrency: Math.max(1, navigator.hardwareConcurrency ?? 2),
  hashQueue: 64,
  loginFailureLimit: 5,
  loginFailureWindowMs: 5 * 60_000,
};

/** The middlewares for `POST /api/auth/register` and `POST /api/auth/login`. */
export function authGuards(http: HttpRateSettings): {
  register: MiddlewareHandler[];
  login: MiddlewareHandler[];
} {
  const s = { ...defaults, ...definedOnly(http) } as Required<HttpRateSettings>;
  const perAddress = limitBy(
    new KeyedLimiter(s.authBurst, s.authPerMinute / 60),
    clientAddress,
  );
  const hashing = new WorkGate({
    concurrency: s.hashConcurrency,
    queueLimit: s.hashQueue,
  });
  const failures = new FailureThrottle({
    limit: s.loginFailureLimit,
    windowMs: s.loginFailureWindowMs,
  });
  const bounded: MiddlewareHandler = async (c, next) => {
    try {
      await hashing.run(() => next());
    } catch (err) {
      if (err instanceof ChatError && err.details.retry_after_ms) {
        retryAfterHeader(c, err.details.retry_after_ms);
      }
      throw err;
    }
  };
  const perUsername: MiddlewareHandler = async (c, next) => {
    const key = await usernameKey(c);
    if (key === null) return await next(); // the route answers the malformed body
    const wait = failures.blockedForMs(key);
    if (wait > 0) {
      retryAfterHeader(c, wait);
      throw new ChatError(
        "rate_limited",
        "Too many failed logins for this username; try again later",
        { retry_after_ms: wait },
      );
    }
    // Counted as a failure in advance, so concurrent guesses cannot all pass the check above.
    failures.fail(key);
    await next();
    if (c.res.ok) failures.succeed(key);
    else if (c.res.status !== 401) failures.forgive(key);
  };
  return {
    register: [perAddress, bounded],
    login: [perAddress, perUsername, bounded],
  };
}

/** The username a login body names, folded as usernames compare; null when there is none. */
async function usernameKey(c: Context): Promise<string | null> {
  try {
    // Hono caches the body text, so the route reads the same body afterwards.
    const body = JSON.parse(await c.req.text());
    const name = body?.username;
    return typeof name === "string" && name.length <= 64
      ? name.toLowerCase()
      : null;
  } catch {
    return null;
  }
}

function retryAfterHeader(c: Context, ms: number): void {
  c.header("Retry-After", String(Math.max(1, Math.ceil(ms / 1000))));
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
