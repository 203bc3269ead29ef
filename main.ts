/** Salvioris: wires adapters from configuration (PROTOCOL.md §3) and serves. */
import { dirname } from "node:path";
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

const server = await startServer({
  deps: { store, bus, presence, instanceId, now: Date.now },
  settings: config,
  port: config.port,
  host: config.host,
  shutdownGraceMs: config.shutdownGraceMs,
  http: config.http,
  pages: (deps) =>
    pageRoutes({
      userFromRequest: async (req) => (await callerOf(deps, req))?.user ?? null,
    }),
});
console.log(
  `Salvioris listening on http://localhost:${server.port} ` +
    `(bus: ${config.redisUrl ? "redis" : "embedded (deno kv)"}, store: ${
      config.mongodbUri ? "mongodb" : "deno kv"
    })`,
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
