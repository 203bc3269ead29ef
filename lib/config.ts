/** Configuration from the environment (PROTOCOL.md §3); every value has a laptop default. */
import { z } from "zod";
import { defaultHandoffMaxBacklog } from "./bus/bus.ts";
import { defaultLingerMs } from "./persistence/projector.ts";
import type { GatewaySettings } from "../gateway/context.ts";
import type { HttpRateSettings } from "../routes/rate_limit.ts";
import type { MetricsSettings } from "../routes/metrics.ts";
import type { LogFormat, LogLevel } from "./log.ts";
import type { UploadSettings } from "./core/uploads.ts";
import { StartupError } from "./startup.ts";

const int = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default("0.0.0.0"),
  REDIS_URL: z.string().url().optional(),
  MONGODB_URI: z.string().min(1).optional(),
  KV_PATH: z.string().default("./data/salvioris.kv"),
  ALLOWED_ORIGINS: z.string().default(""),
  /** Additions: tuning knobs, mostly for tests and operators. */
  HEARTBEAT_INTERVAL_MS: int(30_000),
  RATE_FRAMES_BURST: int(1000),
  RATE_FRAMES_PER_SEC: int(200),
  RATE_MESSAGES_BURST: int(500),
  RATE_MESSAGES_PER_SEC: int(100),
  INSTANCE_ID: z.string().min(1).max(64).optional(),
  SHUTDOWN_GRACE_MS: int(500),
  AUTH_RATE_BURST: int(10),
  AUTH_RATE_PER_MIN: int(1200),
  /** Password hashes computed at once (scrypt holds ~16 MiB each) and queued beyond them. */
  AUTH_HASH_CONCURRENCY: int(Math.max(1, navigator.hardwareConcurrency ?? 2)),
  AUTH_HASH_QUEUE: int(64),
  /** Failed logins of one username within the window before it gets 429. */
  LOGIN_FAILURE_LIMIT: int(5),
  LOGIN_FAILURE_WINDOW_MS: int(5 * 60_000),
  MAX_SOCKETS: int(50_000),
  MAX_SOCKETS_PER_ADDRESS: int(10_000),
  MAX_UNIDENTIFIED_SOCKETS: int(1_000),
  MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS: int(50),
  /** How long start-up waits for Redis, MongoDB or a locked KV file before giving up. */
  STARTUP_TIMEOUT_MS: int(15_000),
  HANDOFF_CLAIM_IDLE_MS: int(30_000),
  HANDOFF_MAX_BACKLOG: int(defaultHandoffMaxBacklog),
  PROJECTOR_LINGER_MS: z.coerce.number().int().min(0).max(10_000).default(
    defaultLingerMs,
  ),
  PRESENCE_HEARTBEAT_MS: int(5_000),
  PRESENCE_TTL_MS: int(15_000),
  /** Operating it: metrics and logs (README "Operating it"). */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters")
    .optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** §5: uploads. */
  MAX_UPLOAD_BYTES: int(10 * 1024 * 1024),
  ATTACHMENTS_DIR: z.string().min(1).optional(),
  UPLOAD_BYTES_PER_HOUR: int(500 * 1024 * 1024),
  UPLOAD_COUNT_BURST: int(50),
  UPLOAD_COUNT_PER_HOUR: int(600),
  UPLOAD_ORPHAN_TTL_MS: int(24 * 60 * 60 * 1000),
  UPLOAD_SWEEP_INTERVAL_MS: int(10 * 60 * 1000),
});

export interface Config extends GatewaySettings {
  port: number;
  host: string;
  redisUrl?: string;
  mongodbUri?: string;
  kvPath: string;
  instanceId?: string;
  shutdownGraceMs: number;
  /** Register/login attempts per client address. */
  http: HttpRateSettings;
  /** Redis only: a hand-off entry unacknowledged this long goes to another instance. */
  handoffClaimIdleMs: number;
  /** Messages waiting for the store beyond which new ones are refused with `unavailable`. */
  handoffMaxBacklog: number;
  /** How long the persistence projector lets a small batch gather before the next read. */
  projectorLingerMs: number;
  /** Redis only: presence heartbeat period, and how long a silent instance counts as alive. */
  presenceHeartbeatMs: number;
  presenceTtlMs: number;
  /** `/metrics`: off unless a bearer token is set or it is served on a port of its own. */
  metrics: MetricsSettings;
  log: { format: LogFormat; level: LogLevel };
  /** §5: the attachments folder (embedded storage); unset = `attachments` beside KV_PATH. */
  attachmentsDir?: string;
  uploads: UploadSettings;
  /** How long start-up waits for Redis, MongoDB or a locked KV file. */
  startupTimeoutMs: number;
}

/** Reads the configuration; a bad value stops the process with a clear message. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const clean = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== ""),
  );
  const result = schema.safeParse(clean);
  if (!result.success) {
    const issue = result.error.issues[0];
    const setting = issue.path.join(".");
    throw new StartupError(
      `Invalid configuration: ${setting}: ${issue.message}`,
      setting,
    );
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    mongodbUri: e.MONGODB_URI,
    kvPath: e.KV_PATH,
    // Browsers send an Origin without a trailing slash; accept entries written with one.
    allowedOrigins: e.ALLOWED_ORIGINS.split(",")
      .map((o) => o.trim().replace(/\/+$/, ""))
      .filter(Boolean),
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    rates: {
      framesBurst: e.RATE_FRAMES_BURST,
      framesPerSec: e.RATE_FRAMES_PER_SEC,
      messagesBurst: e.RATE_MESSAGES_BURST,
      messagesPerSec: e.RATE_MESSAGES_PER_SEC,
    },
    instanceId: e.INSTANCE_ID,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    http: {
      authBurst: e.AUTH_RATE_BURST,
      authPerMinute: e.AUTH_RATE_PER_MIN,
      hashConcurrency: e.AUTH_HASH_CONCURRENCY,
      hashQueue: e.AUTH_HASH_QUEUE,
      loginFailureLimit: e.LOGIN_FAILURE_LIMIT,
      loginFailureWindowMs: e.LOGIN_FAILURE_WINDOW_MS,
    },
    sockets: {
      maxSockets: e.MAX_SOCKETS,
      maxPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
      maxUnidentified: e.MAX_UNIDENTIFIED_SOCKETS,
      maxUnidentifiedPerAddress: e.MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS,
    },
    handoffClaimIdleMs: e.HANDOFF_CLAIM_IDLE_MS,
    handoffMaxBacklog: e.HANDOFF_MAX_BACKLOG,
    projectorLingerMs: e.PROJECTOR_LINGER_MS,
    presenceHeartbeatMs: e.PRESENCE_HEARTBEAT_MS,
    presenceTtlMs: e.PRESENCE_TTL_MS,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    log: { format: e.LOG_FORMAT, level: e.LOG_LEVEL },
    attachmentsDir: e.ATTACHMENTS_DIR,
    uploads: {
      maxBytes: e.MAX_UPLOAD_BYTES,
      bytesPerHour: e.UPLOAD_BYTES_PER_HOUR,
      countBurst: e.UPLOAD_COUNT_BURST,
      countPerHour: e.UPLOAD_COUNT_PER_HOUR,
      orphanTtlMs: e.UPLOAD_ORPHAN_TTL_MS,
      sweepIntervalMs: e.UPLOAD_SWEEP_INTERVAL_MS,
    },
    startupTimeoutMs: e.STARTUP_TIMEOUT_MS,
  };
}
