/**
 * Runs the presence contract against Redis (several instances on one private redis-server per
 * case), then what only Redis can show: an instance that was swept, or a Redis that restarted.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { presenceKeys } from "../../lib/bus/_keys.ts";
import { RedisPresence } from "../../lib/presence/redis_presence.ts";
import { ChatError } from "../../lib/protocol/errors.ts";
import { redisIgnore, redisTest, startRedis } from "../helpers/redis_server.ts";
import { presenceContract } from "./presence_contract.ts";
import { delay, eventually, uid } from "./_bus_fixtures.ts";

const heartbeatMs = 50;
const instanceTtlMs = 250;
const isUnavailable = (err: unknown) =>
  err instanceof ChatError && err.code === "unavailable";

presenceContract("redis", {
  multiInstance: true,
  // The liveness key expires, then the next sweep (every heartbeat) finds it.
  expiryWithinMs: instanceTtlMs + 2 * heartbeatMs,
  make: async (n) => {
    const server = await startRedis();
    const presences: RedisPresence[] = [];
    const cleanup = async () => {
      await Promise.all(presences.map((p) => p.close()));
      await server.kill();
    };
    try {
      for (let i = 0; i < n; i++) {
        const instanceId = `instance-${i}-${crypto.randomUUID()}`;
        presences.push(
          await RedisPresence.connect(server.url, {
            instanceId,
            heartbeatMs,
            instanceTtlMs,
          }),
        );
      }
    } catch (err) {
      await cleanup();
      throw err;
    }
    return { presences, kill: (i) => presences[i].abandon(), cleanup };
  },
}, { ignore: redisIgnore });

redisTest(
  "redis presence: an instance swept while alive records its connections again",
  async () => {
    const server = await startRedis();
    const raw = new Redis(server.url);
    raw.on("error", () => {});
    const opened: RedisPresence[] = [];
    try {
      // a beats slowly, b sweeps fast: between two of a's beats, b finds a's key gone.
      opened.push(
        await RedisPresence.connect(server.url, {
          instanceId: "a",
          heartbeatMs: 1_000,
          instanceTtlMs: 2_000,
        }),
      );
      opened.push(
        await RedisPresence.connect(server.url, {
          instanceId: "b",
          heartbeatMs,
          instanceTtlMs,
        }),
      );
      const [a, b] = opened;
      const reports: string[][] = [];
      b.setExpiryListener((ids) => reports.push(ids));
      const ann = uid("ann");
      await a.connect(ann, "c1");
      // Right after a beat (its key was just refreshed), delete the key as if a had stalled.
      await eventually(
        async () => await raw.pttl(presenceKeys.alive("a")) > 1_900,
        "a's heartbeat",
        5_000,
      );
      await raw.del(presenceKeys.alive("a"));
      await eventually(
        () => Promise.resolve(reports.length > 0),
        "b's sweep",
        5_000,
      );
      assert.deepStrictEqual(reports, [[ann]]);
      await eventually(
        async () => (await b.online([ann])).has(ann),
        "a to record ann again",
        5_000,
      );
      assert.equal(
        await a.disconnect(ann, "c1"),
        true,
        "a still owns the connection",
      );
    } finally {
      await Promise.all(opened.map((p) => p.close()));
      await raw.quit();
      await server.kill();
    }
  },
);

redisTest(
  "redis presence: after Redis restarts empty, live connections are recorded again",
  async () => {
    const server = await startRedis();
    let presence: RedisPresence | null = null;
    try {
      presence = await RedisPresence.connect(server.url, {
        instanceId: "a",
        heartbeatMs,
        instanceTtlMs,
      });
      const ann = uid("ann");
      await presence.connect(ann, "c1");
      await server.stop();
      await delay(300);
      await server.start();
      const p = presence;
      await eventually(
        async () => (await p.online([ann]).catch(() => new Set())).has(ann),
        "ann online again",
        15_000,
      );
      assert.equal(await p.connect(ann, "c2"), false);
    } finally {
      await presence?.close();
      await server.kill();
    }
  },
);

redisTest(
  "redis presence: a disconnect that failed is applied later and its user reported offline",
  async () => {
    const server = await startRedis();
    const raw = new Redis(server.url);
    raw.on("error", () => {});
    let presence: RedisPresence | null = null;
    try {
      presence = await RedisPresence.connect(server.url, {
        instanceId: "a",
        heartbeatMs,
        instanceTtlMs: 5_000,
        commandTimeoutMs: 100,
      });
      const reports: string[][] = [];
      presence.setExpiryListener((ids) => reports.push(ids));
      const ann = uid("ann");
      await presence.connect(ann, "c1");
      // Redis stops answering writes for a while: the removal times out and is retried later.
      await raw.call("CLIENT", "PAUSE", "500", "WRITE");
      await assert.rejects(presence.disconnect(ann, "c1"), isUnavailable);
      await eventually(
        () => Promise.resolve(reports.length > 0),
        "the late offline report",
        5_000,
      );
      assert.deepStrictEqual(reports, [[ann]]);
      assert.deepStrictEqual(await presence.online([ann]), new Set());
    } finally {
      await presence?.close();
      await raw.quit();
      await server.kill();
    }
  },
);
