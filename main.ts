/** Salvioris: wires adapters from configuration (PROTOCOL.md §3) and serves. */
import { dirname, join } from "node:path";
import { type Config, loadConfig } from "./lib/config.ts";
import { configureLog, log } from "./lib/log.ts";
import type { CoreDeps } from "./lib/core/deps.ts";
import { newId } from "./lib/core/ids.ts";
import { type RunningServer, startServer } from "./lib/server.ts";
import { preferVectoredWrites } from "./lib/vectored_writes.ts";
import {
  reasonOf,
  redactUrl,
  retryUntilReachable,
  StartupError,
  startupFailureLine,
} from "./lib/startup.ts";
import { pageRoutes } from "./routes/pages.tsx";
import { callerOf } from "./routes/session.ts";
import type { Bus } from "./lib/bus/bus.ts";
import type { Presence } from "./lib/presence/presence.ts";
import type { Store } from "./lib/store/store.ts";
import { KvBus } from "./lib/bus/kv_bus.ts";
import { RedisBus } from "./lib/bus/redis_bus.ts";
import { MemoryPresence } from "./lib/presence/memory_presence.ts";
import { RedisPresence } from "./lib/presence/redis_presence.ts";
import { KvLockedError, openKvWhenUnlocked } from "./lib/store/_kv_retry.ts";
import { KvStore } from "./lib/store/kv_store.ts";
import { MongoStore } from "./lib/store/mongo_store.ts";
import type { FileStorage } from "./lib/files/files.ts";
import { FolderFiles } from "./lib/files/folder_files.ts";
import { GridFsFiles } from "./lib/files/gridfs_files.ts";

/** The KV file at KV_PATH, when the store or the embedded bus needs it (one handle for both). */
async function openKvFile(config: Config): Promise<Deno.Kv | null> {
  if (config.mongodbUri && config.redisUrl) return null;
  const path = config.kvPath;
  try {
    if (path !== ":memory:") {
      await Deno.mkdir(dirname(path), { recursive: true });
    }
    return await openKvWhenUnlocked(path, config.startupTimeoutMs);
  } catch (err) {
    const what = err instanceof KvLockedError
      ? err.message
      : `Cannot open the Deno KV file ${path}: ${reasonOf(err)}`;
    throw new StartupError(what, "KV_PATH", { cause: err });
  }
}

async function openStore(config: Config, kv: Deno.Kv | null): Promise<Store> {
  if (config.mongodbUri) {
    const uri = config.mongodbUri;
    return await retryUntilReachable({
      what: `MongoDB at ${redactUrl(uri)}`,
      setting: "MONGODB_URI",
      timeoutMs: config.startupTimeoutMs,
      // A URI the driver cannot parse will not parse on the next attempt either.
      permanent: (err) => (err as Error)?.name === "MongoParseError",
    }, (remainingMs) =>
      MongoStore.open(uri, {
        serverSelectionTimeoutMS: Math.min(5_000, remainingMs),
      }));
  }
  return KvStore.fromKv(kv!);
}

async function openBusAndPresence(
  config: Config,
  instanceId: string,
  kv: Deno.Kv | null,
): Promise<{ bus: Bus; presence: Presence }> {
  const url = config.redisUrl;
  if (!url) {
    // The embedded bus keeps its counters and hand-off in the KV file; the store closes a
    // shared handle, the bus its own when the store is MongoDB.
    const bus = await KvBus.open(kv!, {
      handoffMaxBacklog: config.handoffMaxBacklog,
      closeKv: Boolean(config.mongodbUri),
    });
    return { bus, presence: new MemoryPresence() };
  }
  const redis = {
    what: `Redis at ${redactUrl(url)}`,
    setting: "REDIS_URL",
    timeoutMs: config.startupTimeoutMs,
  };
  const bus = await retryUntilReachable(
    redis,
    () =>
      RedisBus.connect(url, {
        claimIdleMs: config.handoffClaimIdleMs,
        handoffMaxBacklog: config.handoffMaxBacklog,
      }),
  );
  try {
    const presence = await retryUntilReachable(
      redis,
      () =>
        RedisPresence.connect(url, {
          instanceId,
          heartbeatMs: config.presenceHeartbeatMs,
          instanceTtlMs: config.presenceTtlMs,
        }),
    );
    return { bus, presence };
  } catch (err) {
    await bus.close().catch(() => {});
    throw err;
  }
}

/**
 * §5: GridFS beside the MongoDB store, else a folder (shareable by instances on one machine).
 * A default folder that cannot be made (a read-only platform) leaves the chat running without
 * attachments; an ATTACHMENTS_DIR that was asked for and cannot be made stops start-up.
 */
async function openFiles(config: Config): Promise<FileStorage | undefined> {
  const uri = config.mongodbUri;
  if (uri) {
    return await retryUntilReachable({
      what: `MongoDB (GridFS) at ${redactUrl(uri)}`,
      setting: "MONGODB_URI",
      timeoutMs: config.startupTimeoutMs,
      permanent: (err) => (err as Error)?.name === "MongoParseError",
    }, (remainingMs) =>
      GridFsFiles.open(uri, {
        serverSelectionTimeoutMS: Math.min(5_000, remainingMs),
      }));
  }
  const dir = config.attachmentsDir ??
    (config.kvPath === ":memory:"
      ? await Deno.makeTempDir({ prefix: "salvioris-attachments-" })
      : join(dirname(config.kvPath), "attachments"));
  try {
    return await FolderFiles.open(dir);
  } catch (err) {
    const what = `Cannot open the attachments folder ${dir}: ${reasonOf(err)}`;
    if (config.attachmentsDir) {
      throw new StartupError(what, "ATTACHMENTS_DIR", { cause: err });
    }
    log.warn("startup.no_attachments", `${what}; serving without attachments`);
    return undefined;
  }
}

function listen(config: Config, deps: CoreDeps): Promise<RunningServer> {
  return startServer({
    deps,
    settings: config,
    port: config.port,
    host: config.host,
    shutdownGraceMs: config.shutdownGraceMs,
    http: config.http,
    metrics: config.metrics,
    uploads: config.uploads,
    projectorLingerMs: config.projectorLingerMs,
    pages: (deps) =>
      pageRoutes({
        userFromRequest: async (req) =>
          (await callerOf(deps, req))?.user ?? null,
      }),
  }).catch((err) => {
    if (err instanceof StartupError) throw err; // it names its own setting
    const what = err instanceof Deno.errors.AddrInUse
      ? `Cannot listen on ${config.host}:${config.port}: the address is in use`
      : `Cannot listen on ${config.host}:${config.port}: ${reasonOf(err)}`;
    throw new StartupError(what, "PORT / HOST", { cause: err });
  });
}

async function start(): Promise<RunningServer> {
  const config = loadConfig(Deno.env.toObject());
  const instanceId = config.instanceId ?? newId();
  configureLog({ ...config.log, instanceId });
  const kv = await openKvFile(config);
  const store = await openStore(config, kv);
  const { bus, presence } = await openBusAndPresence(config, instanceId, kv);
  const files = await openFiles(config);
  const server = await listen(config, {
    store,
    bus,
    presence,
    instanceId,
    now: Date.now,
    files,
  });
  log.info(
    "server.listening",
    `Salvioris listening on http://localhost:${server.port} ` +
      `(bus: ${config.redisUrl ? "redis" : "embedded (deno kv)"}, store: ${
        config.mongodbUri ? "mongodb" : "deno kv"
      }, files: ${files ? (config.mongodbUri ? "gridfs" : "folder") : "none"})`,
  );
  if (server.metricsPort !== undefined) {
    log.info(
      "server.metrics_listening",
      `Metrics on http://localhost:${server.metricsPort}/metrics`,
      { port: server.metricsPort },
    );
  }
  return server;
}

function stopOnSignals(server: RunningServer): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, async () => {
        log.info("server.shutting_down", `${signal}: shutting down`);
        try {
          await server.shutdown();
        } finally {
          Deno.exit(0);
        }
      });
    } catch {
      // Platforms without signals (Deno Deploy) stop the isolate themselves.
    }
  }
}

// A stray rejected promise is a bug to log, never a reason to drop every user's socket.
globalThis.addEventListener("unhandledrejection", (event) => {
  log.error("process.unhandled_rejection", "unhandled rejection", {
    err: event.reason,
  });
  event.preventDefault();
});

preferVectoredWrites();
try {
  stopOnSignals(await start());
} catch (err) {
  // One line and a non-zero status: process managers and CI read the status, people the line.
  console.error(startupFailureLine(err));
  Deno.exit(1);
}
