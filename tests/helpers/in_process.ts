/**
 * One instance inside the test process, on the embedded adapters (KV bus and KV store sharing one
 * `:memory:` KV),
 * for tests and benchmarks that need to reach the gateway or the store directly.
 */
import type { RateSettings } from "../../gateway/context.ts";
import { KvBus } from "../../lib/bus/kv_bus.ts";
import { MemoryPresence } from "../../lib/presence/memory_presence.ts";
import { type RunningServer, startServer } from "../../lib/server.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { Store } from "../../lib/store/store.ts";

export interface InProcessServer {
  server: RunningServer;
  store: KvStore;
  url: string;
  wsUrl: string;
}

const defaultRates: RateSettings = {
  framesBurst: 1000,
  framesPerSec: 200,
  messagesBurst: 500,
  messagesPerSec: 100,
};

/** Optional changes to the embedded wiring, for tests of what happens when the store fails. */
export interface InProcessOptions {
  /** Bound of the bus's hand-off backlog (default `defaultHandoffMaxBacklog`). */
  handoffMaxBacklog?: number;
  /** Wraps the real store the server uses, e.g. to hold a call at a chosen moment. */
  wrapStore?: (store: Store) => Store;
}

/** Starts an instance on a free port; stop it with `server.shutdown()`. */
export async function startInProcess(
  rates: RateSettings = defaultRates,
  options: InProcessOptions = {},
): Promise<InProcessServer> {
  const kv = await Deno.openKv(":memory:");
  const store = KvStore.fromKv(kv);
  const bus = await KvBus.open(kv, {
    closeKv: false,
    handoffMaxBacklog: options.handoffMaxBacklog,
  });
  const server = await startServer({
    deps: {
      store: options.wrapStore?.(store) ?? store,
      bus,
      presence: new MemoryPresence(),
      instanceId: "in-process",
      now: Date.now,
    },
    settings: { heartbeatIntervalMs: 30_000, rates, allowedOrigins: [] },
    port: 0,
    host: "127.0.0.1",
  });
  const url = `http://127.0.0.1:${server.port}`;
  return { server, store, url, wsUrl: `ws://127.0.0.1:${server.port}/gateway` };
}
