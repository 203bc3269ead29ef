/**
 * Presence across three instances: a user is online from their first socket anywhere until their
 * last socket anywhere closes, and the users of an instance that dies (SIGKILL) are reported
 * offline to the other instances' clients within a bounded time. The instances run a short
 * presence heartbeat and TTL so that bound is a few seconds.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { presenceKeys } from "../../lib/bus/_keys.ts";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { withCluster } from "../helpers/cluster.ts";
import { integration } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { waitFor } from "../helpers/history.ts";
import { redisTest } from "../helpers/redis_server.ts";

const heartbeatMs = 200;
const ttlMs = 1000;
/** Expiry (TTL) + one sweep period, plus generous room for a loaded 2-core machine. */
const offlineBoundMs = ttlMs + heartbeatMs + 4000;

const presenceOf = (userId: string, status: string) => (f: Frame) =>
  f.type === "presence" && f.user_id === userId && f.status === status;

redisTest(
  "presence across instances follows a user's sockets anywhere and survives an instance's death",
  async (t) => {
    await withCluster({
      env: {
        PRESENCE_HEARTBEAT_MS: String(heartbeatMs),
        PRESENCE_TTL_MS: String(ttlMs),
      },
    }, async ({ redis, servers: [s1, s2, s3] }) => {
      const observerRedis = new Redis(redis.url, { lazyConnect: true });
      observerRedis.on("error", () => {/* reported by the failing command */});
      await observerRedis.connect();
      const alice = await newUser(s1.url, "alice");
      const frank = await newUser(s2.url, "frank");
      const gina = await newUser(s3.url, "gina");
      const group = await newGroup(alice.api, "presence");
      for (const member of [frank, gina]) {
        await member.api.post(`/api/groups/${group.id}/join`, {});
      }
      const a = await GatewayClient.connect(s1.wsUrl, { token: alice.token });
      const opened = [a];
      a.send({ type: "subscribe", group_ids: [group.id] });
      const first = await a.nextOf("subscribed");
      assert.deepEqual(first.groups[0].online_user_ids, [alice.user.id]);
      /** Sockets the presence records hold for a user, cluster-wide. */
      const socketsOf = (userId: string) =>
        observerRedis.hlen(presenceKeys.user(userId));

      try {
        await t.step(
          "a user is online when their first socket opens on any instance and offline only when their last one, on another instance, closes",
          async () => {
            const onS2 = await GatewayClient.connect(s2.wsUrl, {
              token: frank.token,
            });
            opened.push(onS2);
            await a.next(presenceOf(frank.user.id, "online"));
            const onS3 = await GatewayClient.connect(s3.wsUrl, {
              token: frank.token,
            });
            opened.push(onS3);
            // identify is handled (and presence recorded) before this pong.
            await onS3.roundTrip();
            assert.equal(await socketsOf(frank.user.id), 2);

            await onS2.close();
            await waitFor(
              "n2 to forget frank's first socket",
              async () => await socketsOf(frank.user.id) === 1,
            );
            // Barrier: frank's message from n3 is published after n2 handled the close.
            onS3.send({ type: "message", group_id: group.id, text: "still" });
            await a.nextOf("message");
            assert.equal(
              a.drain("presence").length,
              0,
              "no presence change while frank has a socket on n3",
            );
            const viaS1 = new ApiClient(s1.url, alice.token);
            const members = (await viaS1.get(`/api/groups/${group.id}/members`))
              .body.members;
            assert.equal(
              members.find((m: Frame) => m.id === frank.user.id).online,
              true,
            );

            await onS3.close();
            await a.next(presenceOf(frank.user.id, "offline"));
            const again = await viaS1.get(`/api/groups/${group.id}/members`);
            assert.equal(
              again.body.members.find((m: Frame) => m.id === frank.user.id)
                .online,
              false,
            );
          },
        );

        await t.step(
          "the users of a SIGKILLed instance are reported offline to clients on other instances within a bounded time",
          async () => {
            const g = await GatewayClient.connect(s3.wsUrl, {
              token: gina.token,
            });
            opened.push(g);
            await a.next(presenceOf(gina.user.id, "online"));
            // Frank is on the doomed instance and on a surviving one: he stays online.
            const f3 = await GatewayClient.connect(s3.wsUrl, {
              token: frank.token,
            });
            const f2 = await GatewayClient.connect(s2.wsUrl, {
              token: frank.token,
            });
            opened.push(f3, f2);
            await a.next(presenceOf(frank.user.id, "online"));
            await f2.roundTrip();
            await f3.roundTrip();
            assert.equal(await socketsOf(frank.user.id), 2);

            const killedAt = Date.now();
            await s3.kill();
            const offline = await a.next(
              presenceOf(gina.user.id, "offline"),
              offlineBoundMs,
            );
            assert.deepEqual(offline, {
              type: "presence",
              user_id: gina.user.id,
              status: "offline",
            });
            assert.ok(Date.now() - killedAt < offlineBoundMs);

            // The same sweep forgot frank's socket on n3 without taking him offline.
            assert.equal(await socketsOf(frank.user.id), 1);
            f2.send({ type: "message", group_id: group.id, text: "alive" });
            await a.next((f) =>
              f.type === "message" && f.message.text === "alive"
            );
            assert.equal(
              a.received.filter(presenceOf(frank.user.id, "offline")).length,
              1,
              "only the offline of the first step",
            );
            const viaS2 = new ApiClient(s2.url, alice.token);
            const members = (await viaS2.get(`/api/groups/${group.id}/members`))
              .body.members;
            const online = Object.fromEntries(
              members.map((m: Frame) => [m.username, m.online]),
            );
            assert.deepEqual(online, { alice: true, frank: true, gina: false });
          },
        );
      } finally {
        await Promise.all(opened.map((s) => s.close()));
        observerRedis.disconnect();
      }
    });
  },
  integration,
);

redisTest(
  "the users of an instance stopped gracefully are reported offline at once, not after the presence TTL",
  async () => {
    // A TTL far longer than the test: only the shutdown's own cleanup can report them.
    await withCluster({
      size: 2,
      env: { PRESENCE_HEARTBEAT_MS: "20000", PRESENCE_TTL_MS: "60000" },
    }, async ({ servers: [s1, s2] }) => {
      const alice = await newUser(s1.url, "alice");
      const hank = await newUser(s1.url, "hank");
      const group = await newGroup(alice.api, "graceful");
      await hank.api.post(`/api/groups/${group.id}/join`, {});
      const a = await GatewayClient.connect(s1.wsUrl, { token: alice.token });
      try {
        a.send({ type: "subscribe", group_ids: [group.id] });
        await a.nextOf("subscribed");
        const h = await GatewayClient.connect(s2.wsUrl, { token: hank.token });
        await a.next(presenceOf(hank.user.id, "online"));
        await s2.stop();
        assert.equal((await h.closed).code, 1001);
        await a.next(presenceOf(hank.user.id, "offline"), 10_000);
      } finally {
        await a.close();
      }
    });
  },
);
