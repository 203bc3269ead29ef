/** Salvioris: wires adapters from configuration (PROTOCOL.md §3) and serves. */
import { dirname, join } from "node:path";
import { loadConfig } from "./lib/config.ts";
import { newId } from "./lib/core/ids.ts";
import { startServer } from "./lib/server.ts";
import { pageRoutes } from "./routes/pages.tsx";
import { callerOf } from "./routes/session.ts";
import type { Bus } from "./lib/bus/bus.ts";
import type { Presence } from "./lib/presence/presence.ts";
import type { Store } from "./lib/store/store.ts";
import { KvBus } from "./lib/bus/kv_bus.ts";
import { RedisBus } from "./lib/bus/redis_bus.ts";
import { MemoryPresence } from "./lib/presence/memory_presence.ts";
import { RedisPresence } from "./lib/presence/redis_presence.ts";
import { KvStore } from "./lib/store/kv_store.ts";
import { MongoStore } from "./lib/store/mongo_store.ts";
import { retryWhileLocked } from "./lib/store/_kv_retry.ts";
import type { FileStorage } from "./lib/files/files.ts";
import { FolderFiles } from "./lib/files/folder_files.ts";
import { GridFsFiles } from "./lib/files/gridfs_files.ts";

const config = loadConfig(Deno.env.toObject());

// A stray rejected promise is a bug to log, never a reason to drop every user's socket.
globalThis.addEventListener("unhandledrejection", (event) => {
  console.error("unhandled rejection:", event.reason);
  event.preventDefault();
});
const instanceId = config.instanceId ?? newId();

/** The KV file at KV_PATH, when the store or the embedded bus needs it (one handle for both). */
async function openKvFile(): Promise<Deno.Kv | null> {
  if (config.mongodbUri && config.redisUrl) return null;
  if (config.kvPath !== ":memory:") {
    await Deno.mkdir(dirname(config.kvPath), { recursive: true });
  }
  return await retryWhileLocked(() => Deno.openKv(config.kvPath));
}

const kv = await openKvFile();
const store: Store = config.mongodbUri
  ? await MongoStore.open(config.mongodbUri)
  : KvStore.fromKv(kv!);
const bus: Bus = config.redisUrl
  ? await RedisBus.connect(config.redisUrl, {
    claimIdleMs: config.handoffClaimIdleMs,
    handoffMaxBacklog: config.handoffMaxBacklog,
  })
  // The embedded bus keeps its counters and hand-off in the KV file; the store closes a shared one.
  : await KvBus.open(kv!, {
    handoffMaxBacklog: config.handoffMaxBacklog,
    closeKv: Boolean(config.mongodbUri),
  });
const presence: Presence = config.redisUrl
  ? await RedisPresence.connect(config.redisUrl, {
    instanceId,
    heartbeatMs: config.presenceHeartbeatMs,
    instanceTtlMs: config.presenceTtlMs,
  })
  : new MemoryPresence();

/** §5: GridFS beside the MongoDB store, else a folder (shareable by instances on one machine). */
async function openFiles(): Promise<FileStorage> {
  if (config.mongodbUri) return await GridFsFiles.open(config.mongodbUri);
  const dir = config.attachmentsDir ??
    (config.kvPath === ":memory:"
      ? await Deno.makeTempDir({ prefix: "salvioris-attachments-" })
      : join(dirname(config.kvPath), "attachments"));
  return await FolderFiles.open(dir);
}
const files = await openFiles();

const server = await startServer({
  deps: { store, bus, presence, instanceId, now: Date.now },
  settings: config,
  port: config.port,
  host: config.host,
  shutdownGraceMs: config.shutdownGraceMs,
  http: config.http,
  files: { storage: files, settings: config.uploads },
  pages: (deps) =>
    pageRoutes({
      userFromRequest: async (req) => (await callerOf(deps, req))?.user ?? null,
    }),
});
console.log(
  `Salvioris listening on http://localhost:${server.port} ` +
    `(bus: ${config.redisUrl ? "redis" : "embedded (deno kv)"}, store: ${
      config.mongodbUri ? "mongodb" : "deno kv"
    }, files: ${files instanceof GridFsFiles ? "gridfs" : "folder"})`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, async () => {
      console.log(`${signal}: shutting down`);
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
