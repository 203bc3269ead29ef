/**
 * `/readyz` details and the projector's lag: each dependency's state and check time, and how
 * many messages wait for the store and for how long — on a real process, with Redis going down,
 * and with a store that refuses writes for a while.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { redisTest, startRedis } from "../helpers/redis_server.ts";
import { KvBus } from "../../lib/bus/kv_bus.ts";
import { scrape } from "../../lib/metrics/metrics.ts";
import { MemoryPresence } from "../../lib/presence/memory_presence.ts";
import { startServer } from "../../lib/server.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { Message } from "../../lib/protocol/types.ts";
import { parseScrape, scrapeUntil, valueOf } from "../helpers/prometheus.ts";

// deno-lint-ignore no-explicit-any
type Body = Record<string, any>;

/** Asks `/readyz` until `ready(body)` holds. */
async function readyzUntil(
  url: string,
  ready: (status: number, body: Body) => boolean,
  timeoutMs = 20_000,
): Promise<{ status: number; body: Body }> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/readyz`);
    const body = await res.json();
    if (ready(res.status, body)) return { status: res.status, body };
    if (Date.now() > giveUpAt) {
      throw new Error(`/readyz never got there: ${JSON.stringify(body)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test(
  "/readyz names each dependency with its check time, the instance and the projector's backlog and lag",
  integration,
  () =>
    withServer({ INSTANCE_ID: "ready-1" }, async (server) => {
      const res = await fetch(`${server.url}/readyz`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.status, "ready");
      assert.equal(body.bus, "ok");
      assert.equal(body.store, "ok");
      assert.equal(body.instance_id, "ready-1");
      for (const dependency of ["bus", "store"]) {
        assert.equal(body.checks[dependency].status, "ok");
        assert.ok(body.checks[dependency].ms >= 0);
      }
      assert.deepEqual(body.projector, { backlog: 0, lag_ms: 0 });
    }),
);

redisTest(
  "with Redis down /readyz answers 503 naming the bus and the lag is unknown, not zero; once back the reconnect is counted",
  async () => {
    const redis = await startRedis();
    try {
      await withServer({
        REDIS_URL: redis.url,
        METRICS_TOKEN: "readyz-metrics-token-0123",
      }, async (server) => {
        await redis.stop();
        const { body } = await readyzUntil(
          server.url,
          (status) => status === 503,
        );
        assert.equal(body.status, "unready");
        assert.equal(body.bus, "unreachable");
        assert.equal(body.checks.bus.status, "unreachable");
        assert.equal(body.store, "ok");
        assert.deepEqual(body.projector, { backlog: null, lag_ms: null });
        const res = await fetch(`${server.url}/metrics`, {
          headers: { authorization: "Bearer readyz-metrics-token-0123" },
        });
        const metrics = parseScrape(await res.text());
        assert.ok(
          Number.isNaN(valueOf(metrics, "salvioris_projector_lag_seconds")),
        );

        // Back: ready again, and the subscriber's reconnect is counted.
        await redis.start();
        await readyzUntil(server.url, (status) => status === 200, 30_000);
        const after = await scrapeUntil(
          `${server.url}/metrics`,
          "readyz-metrics-token-0123",
          (s) => valueOf(s, "salvioris_bus_resumes_total") >= 1,
        );
        assert.equal(valueOf(after, "salvioris_handoff_backlog"), 0);
      });
    } finally {
      await redis.kill();
    }
  },
  integration,
);

Deno.test(
  "while the store refuses writes the backlog and lag grow in /readyz and /metrics, and drain once it takes them",
  integration,
  async () => {
    const kv = await Deno.openKv(":memory:");
    const store = KvStore.fromKv(kv);
    // The store's history writes fail (as a database that is down for writes), the rest works.
    let refuseWrites = true;
    const upsertStates = store.upsertStates.bind(store);
    store.upsertStates = (states: Message[]) =>
      refuseWrites
        ? Promise.reject(new Error("store is refusing writes"))
        : upsertStates(states);
    const server = await startServer({
      deps: {
        store,
        bus: await KvBus.open(kv, { closeKv: false }),
        presence: new MemoryPresence(),
        instanceId: "lagging",
        now: Date.now,
      },
      settings: {
        heartbeatIntervalMs: 30_000,
        allowedOrigins: [],
        rates: {
          framesBurst: 100,
          framesPerSec: 100,
          messagesBurst: 100,
          messagesPerSec: 100,
        },
      },
      port: 0,
      host: "127.0.0.1",
    });
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const alice = await newUser(url);
      const group = await newGroup(alice.api);
      const api = new ApiClient(url, alice.token);
      for (const text of ["one", "two"]) {
        const res = await api.post(`/api/groups/${group.id}/messages`, {
          text,
        });
        assert.equal(res.status, 201);
      }
      const lagging = await readyzUntil(
        url,
        (_, body) => body.projector.backlog === 2 && body.projector.lag_ms > 0,
      );
      assert.equal(lagging.status, 200, "a lagging projector is not unready");
      const metrics = parseScrape(await scrape());
      assert.equal(valueOf(metrics, "salvioris_handoff_backlog"), 2);
      assert.ok(valueOf(metrics, "salvioris_projector_lag_seconds") > 0);
      assert.ok(
        valueOf(metrics, "salvioris_store_errors_total", {
          op: "upsertStates",
        }) >= 1,
      );

      refuseWrites = false;
      await readyzUntil(
        url,
        (_, body) =>
          body.projector.backlog === 0 && body.projector.lag_ms === 0,
      );
      assert.equal((await store.messagesInRange(group.id, 1, 2)).length, 2);
    } finally {
      await server.shutdown(); // closes the store, and with it the KV
    }
  },
);
