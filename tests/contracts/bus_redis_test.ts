/**
 * Runs the bus contract against Redis (several buses on one private redis-server per case), then
 * what only Redis can show: an outage and recovery, hostile envelopes, key names.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { keyPrefix } from "../../lib/bus/_keys.ts";
import { RedisBus } from "../../lib/bus/redis_bus.ts";
import { topics } from "../../lib/bus/topics.ts";
import { ChatError } from "../../lib/protocol/errors.ts";
import {
  redisIgnore,
  type RedisServer,
  redisTest,
  startRedis,
} from "../helpers/redis_server.ts";
import { busContract } from "./bus_contract.ts";
import {
  append,
  delay,
  draft,
  eventually,
  Recorder,
  typing,
  uid,
} from "./_bus_fixtures.ts";

const claimIdleMs = 300;

busContract("redis", {
  multiInstance: true,
  claimIdleMs,
  make: async (n, options) => {
    const server = await startRedis();
    const buses: RedisBus[] = [];
    try {
      for (let i = 0; i < n; i++) {
        buses.push(
          await RedisBus.connect(server.url, { claimIdleMs, ...options }),
        );
      }
    } catch (err) {
      await Promise.all(buses.map((bus) => bus.close()));
      await server.kill();
      throw err;
    }
    return {
      buses,
      cleanup: async () => {
        await Promise.all(buses.map((bus) => bus.close()));
        await server.kill();
      },
      reopen: async (bus) => {
        await bus.close();
        const again = await RedisBus.connect(server.url, {
          claimIdleMs,
          ...options,
        });
        buses.push(again);
        return again;
      },
    };
  },
}, { ignore: redisIgnore });

/** Connects one bus to a fresh private server and disposes of both, pass or fail. */
async function withBus(
  fn: (bus: RedisBus, server: RedisServer) => Promise<void>,
): Promise<void> {
  const server = await startRedis();
  let bus: RedisBus | null = null;
  try {
    bus = await RedisBus.connect(server.url, { claimIdleMs });
    await fn(bus, server);
  } finally {
    await bus?.close();
    await server.kill();
  }
}

const isUnavailable = (err: unknown) =>
  err instanceof ChatError && err.code === "unavailable";

redisTest(
  "redis bus: while Redis is down calls fail fast with unavailable; once back, the same bus works",
  async () => {
    await withBus(async (bus, server) => {
      const g = uid("group");
      const recorder = new Recorder(bus);
      await bus.subscribe(topics.group(g));
      await bus.subscribe(topics.typing(g));
      const before = await append(bus, draft(g));
      await recorder.until(
        () => recorder.messages(topics.group(g)).length === 1,
        "the first message",
      );

      await server.stop();
      const failed = await Promise.race([
        bus.append(draft(g)).then(
          () => "appended",
          (err) => isUnavailable(err) ? "unavailable" : String(err),
        ),
        delay(2_000).then(() => "hanging"),
      ]);
      assert.equal(failed, "unavailable");
      await assert.rejects(
        bus.publish(topics.typing(g), typing(g, "ann")),
        isUnavailable,
      );
      assert.equal(await bus.healthy(), false);
      await delay(1_000);
      await server.start();
      await eventually(() => bus.healthy(), "the bus to reconnect", 15_000);

      // Subscriptions made before the outage deliver again (ioredis subscribes once more).
      await eventually(
        async () => {
          await bus.publish(topics.typing(g), typing(g, "ann"));
          return recorder.on(topics.typing(g)).length > 0;
        },
        "a typing event after the restart",
        10_000,
      );
      // The private server keeps nothing across a restart: the counter is gone, the floor is asked.
      assert.deepStrictEqual(await bus.append(draft(g)), {
        status: "need_floor",
      });
      const after = await bus.append(draft(g), {
        floorSeq: before.seq,
        floorRev: before.rev,
      });
      assert.equal(after.status === "appended" && after.message.seq, 2);
      await recorder.until(
        () => recorder.messages(topics.group(g)).length === 2,
        "the message after the restart",
      );
      const handed = await bus.readHandoff("persister", 10, 0);
      assert.deepStrictEqual(
        handed.map((e) => e.event.seq),
        [2],
        "the hand-off group is back",
      );
    });
  },
);

redisTest(
  "redis bus: messages appended while its subscriber reconnects are delivered once it is back, once each and in order",
  async () => {
    await withBus(async (bus, server) => {
      const g = uid("group");
      const recorder = new Recorder(bus);
      await bus.subscribe(topics.group(g));
      const first = await append(bus, draft(g));
      await recorder.until(
        () => recorder.messages(topics.group(g)).length === 1,
        "the first message",
      );
      const raw = new Redis(server.url);
      raw.on("error", () => {});
      try {
        // Only the subscriber connection drops; the command connection appends meanwhile.
        assert.equal(await raw.client("KILL", "TYPE", "pubsub"), 1);
        const missed = [];
        for (let i = 0; i < 3; i++) missed.push(await append(bus, draft(g)));
        await recorder.until(
          () => recorder.messages(topics.group(g)).length === 4,
          "the messages published while it was away",
        );
        const live = await append(bus, draft(g));
        await recorder.until(
          () => recorder.messages(topics.group(g)).length >= 5,
          "a live message after the recovery",
        );
        await bus.publish(topics.group(g), typing(g, "barrier"));
        await recorder.until(
          () => recorder.on(topics.group(g)).length >= 6,
          "the barrier",
        );
        assert.deepStrictEqual(
          recorder.messages(topics.group(g)),
          [first, ...missed, live],
        );
      } finally {
        await raw.quit();
      }
    });
  },
);

redisTest(
  "redis bus: bad envelopes are dropped and a throwing listener does not stop delivery",
  async () => {
    await withBus(async (bus, server) => {
      const t = topics.typing(uid("group"));
      const seen: string[] = [];
      bus.setListener((_topic, event) => {
        seen.push(event.kind === "typing" ? event.user_id : event.kind);
        if (seen.length === 1) throw new Error("listener bug");
      });
      await bus.subscribe(t);
      const raw = new Redis(server.url);
      raw.on("error", () => {});
      try {
        await raw.publish(t, "not json");
        await raw.publish(t, JSON.stringify({ kind: "typing", group_id: "g" }));
        await bus.publish(t, typing("g", "first"));
        await bus.publish(t, typing("g", "second"));
        await eventually(
          () => Promise.resolve(seen.length >= 2),
          "the second event",
        );
        assert.deepStrictEqual(seen, ["first", "second"]);
      } finally {
        await raw.quit();
      }
    });
  },
);

redisTest(
  "redis bus: every key it writes carries the salvioris: prefix",
  async () => {
    await withBus(async (bus, server) => {
      await append(bus, draft(uid("group"), { nonce: "n" }));
      const raw = new Redis(server.url);
      raw.on("error", () => {});
      try {
        const keys = await raw.keys("*");
        assert.ok(
          keys.length >= 4,
          `expected the counter, buffer, nonce and stream, got ${keys}`,
        );
        assert.deepStrictEqual(
          keys.filter((k) => !k.startsWith(keyPrefix)),
          [],
        );
      } finally {
        await raw.quit();
      }
    });
  },
);

redisTest(
  "redis bus: append() refuses a draft subscribers would drop, changing nothing",
  async () => {
    await withBus(async (bus) => {
      const g = uid("group");
      const bad = draft(g, { id: "x".repeat(65) });
      await assert.rejects(
        bus.append(bad, { floorSeq: 0 }),
        (err) => err instanceof ChatError && err.code === "bad_request",
      );
      assert.equal(await bus.headSeq(g), null);
      await assert.rejects(
        bus.ackHandoff(["not-an-id"]),
        (err) => err instanceof ChatError && err.code === "bad_request",
      );
    });
  },
);

redisTest(
  "redis bus: connect() to a server that is down fails with unavailable",
  async () => {
    const server = await startRedis();
    try {
      await server.stop();
      await assert.rejects(RedisBus.connect(server.url), isUnavailable);
    } finally {
      await server.kill();
    }
  },
);

redisTest(
  "redis bus: the resume listener is called once delivery is back after the subscriber dropped",
  async () => {
    await withBus(async (bus, server) => {
      let resumed = 0;
      bus.setResumeListener(() => resumed++);
      await bus.subscribe(topics.group(uid("group")));
      const raw = new Redis(server.url);
      raw.on("error", () => {});
      try {
        assert.equal(resumed, 0, "not called while nothing dropped");
        assert.equal(await raw.client("KILL", "TYPE", "pubsub"), 1);
        await eventually(
          () => Promise.resolve(resumed === 1),
          "the resume call",
        );
      } finally {
        await raw.quit();
      }
    });
  },
);
