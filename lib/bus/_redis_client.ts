/**
 * ioredis clients with the seed's connection settings, shared by the Redis bus and presence.
 *
 * The seed's settings map onto ioredis as follows: dial timeout 5 s → `connectTimeout`,
 * read/write timeout 3 s → `commandTimeout`, max retries 3 → `maxRetriesPerRequest`, keep-alive
 * pings every 30 s → an interval PING per client plus the socket's TCP keep-alive, reconnect with
 * exponential backoff and jitter → `retryStrategy`. The seed's pool of 10 with 5 idle does not
 * map: an ioredis client is one multiplexed, pipelined connection, so each role gets its own
 * client instead (commands, the shared subscriber, blocking reads).
 */
import { Redis, type RedisOptions } from "ioredis";
import { ChatError } from "../protocol/errors.ts";
import { log } from "../log.ts";

/** Connection settings; every field has the seed's default. */
export interface RedisClientSettings {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  keepAlivePingMs?: number;
  /** Longest pause between two reconnection attempts. */
  maxReconnectDelayMs?: number;
}

const defaults = {
  connectTimeoutMs: 5_000,
  commandTimeoutMs: 3_000,
  keepAlivePingMs: 30_000,
  maxReconnectDelayMs: 5_000,
};

/** Exponential backoff from 50 ms, capped, with full jitter on the upper half. */
function backoff(maxDelayMs: number): (attempt: number) => number {
  return (attempt) => {
    const ceiling = Math.min(maxDelayMs, 50 * 2 ** Math.min(attempt - 1, 16));
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  };
}

/** A connected client of one role, with its keep-alive timer. */
export interface RoleClient {
  redis: Redis;
  /** Stops the keep-alive and closes the connection, waiting until the socket is gone. */
  close(): Promise<void>;
}

/**
 * Opens one client, waits until it is ready and starts its keep-alive. `blocking` clients carry
 * no command timeout (their reads wait on purpose); the server-side BLOCK bounds them instead.
 */
export async function openClient(
  url: string,
  role: string,
  settings: RedisClientSettings = {},
  extra: Partial<RedisOptions> & { blocking?: boolean } = {},
): Promise<RoleClient> {
  const s = { ...defaults, ...settings };
  const { blocking, ...more } = extra;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: s.connectTimeoutMs,
    commandTimeout: blocking ? undefined : s.commandTimeoutMs,
    // Safety net for a blocking read on a silent socket: BLOCK n gets n + grace, BLOCK-less 60 s.
    blockingTimeout: blocking ? 60_000 : undefined,
    maxRetriesPerRequest: 3,
    keepAlive: s.keepAlivePingMs,
    retryStrategy: backoff(s.maxReconnectDelayMs),
    // Fail fast while Redis is down: the caller answers `unavailable` and the client retries.
    enableOfflineQueue: false,
    // A command cut off by a disconnect fails (its timeout answers `unavailable`); resending it
    // after the reconnect would apply it behind the caller's back (an append twice).
    autoResendUnfulfilledCommands: false,
    connectionName: `salvioris-${role}`,
    ...more,
  });
  watchErrors(redis, role);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw unavailable(`Cannot connect to Redis (${role})`, err);
  }
  const ping = setInterval(() => {
    if (redis.status === "ready") {
      redis.ping().catch(() => {/* the error listener reports */});
    }
  }, s.keepAlivePingMs);
  return { redis, close: () => closeClient(redis, ping) };
}

/** Logs the first error of an outage and the recovery, not every failed reconnection. */
function watchErrors(redis: Redis, role: string): void {
  let failing = false;
  redis.on("error", (err: Error) => {
    if (failing) return;
    failing = true;
    log.warn("redis.error", `redis ${role}: ${err.message}`, { role });
  });
  redis.on("ready", () => {
    if (!failing) return;
    failing = false;
    log.warn("redis.reconnected", `redis ${role}: reconnected`, { role });
  });
}

async function closeClient(
  redis: Redis,
  ping: ReturnType<typeof setInterval>,
): Promise<void> {
  clearInterval(ping);
  if (redis.status === "end") return;
  if (redis.status === "reconnecting" || redis.status === "close") {
    // No socket is open: disconnect() only cancels the pending reconnection, and emits nothing.
    redis.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) =>
    redis.once("end", () => resolve())
  );
  // disconnect() rather than quit(): it also cuts a pending blocking read, which close() must wake.
  redis.disconnect();
  await ended;
}

/** Wraps a Redis failure as the protocol's `unavailable`, keeping the cause. */
export function unavailable(what: string, cause: unknown): ChatError {
  if (cause instanceof ChatError) return cause;
  // The client gets a plain sentence; the driver's wording stays in `cause` for the logs.
  return new ChatError(
    "unavailable",
    `${what}: the message bus is unreachable`,
    {},
    {
      cause,
    },
  );
}
