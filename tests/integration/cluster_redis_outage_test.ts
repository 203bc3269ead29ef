/**
 * Redis stopped for 3 s and started again on the same port under a three-instance cluster: while
 * it is down sends answer `unavailable`, `/readyz` answers 503 naming the bus and sockets stay
 * open; once it is back every instance recovers without a restart, and every message echoed
 * before or after is in history exactly once. Redis runs with an fsynced AOF, as production must
 * (README): a Redis that restarts empty has lost the hand-off and the seq counters.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { newGroup, newUser } from "../helpers/api_client.ts";
import {
  assertExactlyOnce,
  readiness,
  withCluster,
} from "../helpers/cluster.ts";
import { integration } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory, waitFor } from "../helpers/history.ts";
import { redisTest } from "../helpers/redis_server.ts";

redisTest(
  "Redis stopped for 3 s and started again: sends fail with unavailable meanwhile, then every instance recovers without restart",
  async (t) => {
    // Production Redis runs with AOF (README): the hand-off and seq counters survive a restart.
    await withCluster(
      { persistRedis: true },
      async ({ redis, servers, kvPath }) => {
        const users = await Promise.all(
          servers.map((s, i) => newUser(s.url, `user${i}`)),
        );
        const group = await newGroup(users[0].api, "outage");
        for (const u of users.slice(1)) {
          await u.api.post(`/api/groups/${group.id}/join`, {});
        }
        const echoed = new Map<string, Frame>();
        /** A socket that tries to identify during the outage, and again after it. */
        let late: GatewayClient | null = null;
        const sockets = await Promise.all(servers.map(async (s, i) => {
          const socket = await GatewayClient.connect(s.wsUrl, {
            token: users[i].token,
          });
          socket.observers.add((f) =>
            f.type === "message" && echoed.set(f.message.id, f.message)
          );
          socket.send({ type: "subscribe", group_ids: [group.id] });
          await socket.nextOf("subscribed");
          return socket;
        }));
        /** Each socket sends one message; every socket receives all of them, in seq order. */
        const roundOfMessages = async (nonce: (i: number) => string) => {
          const before = echoed.size;
          sockets.forEach((s, i) =>
            s.send({
              type: "message",
              group_id: group.id,
              text: `from n${i + 1}: ${nonce(i)}`,
              nonce: nonce(i),
            })
          );
          for (const s of sockets) {
            for (let k = 1; k <= 3; k++) {
              const frame = await s.nextOf("message");
              assert.equal(frame.message.seq, before + k, "in seq order");
            }
          }
        };

        try {
          await t.step(
            "before the outage messages flow between all three instances",
            async () => {
              for (let round = 0; round < 3; round++) {
                await roundOfMessages((i) => `before-${round}-${i}`);
              }
              assert.equal(echoed.size, 9);
            },
          );

          await t.step(
            "a message sent while every instance's subscriber connection is reconnecting still reaches every socket, once and in order",
            async () => {
              const admin = new Redis(redis.url);
              admin.on("error", () => {/* reported by the failing command */});
              try {
                assert.equal(await admin.client("KILL", "TYPE", "pubsub"), 3);
              } finally {
                admin.disconnect();
              }
              await roundOfMessages((i) => `blip-${i}`);
              assert.equal(echoed.size, 12);
            },
          );

          await t.step(
            "while Redis is down a send gets error unavailable, /readyz answers 503 naming the bus, and sockets stay open",
            async () => {
              await redis.stop();
              const downAt = Date.now();
              sockets.forEach((s, i) =>
                s.send({
                  type: "message",
                  group_id: group.id,
                  text: "during the outage",
                  nonce: `down-${i}`,
                })
              );
              for (const [i, s] of sockets.entries()) {
                const error = await s.next((f) =>
                  f.type === "error" && f.nonce === `down-${i}`
                );
                assert.equal(error.code, "unavailable");
                assert.equal(error.group_id, group.id);
              }
              for (const server of servers) {
                const ready = await readiness(server);
                assert.equal(ready.status, 503);
                assert.equal(ready.body.bus, "unreachable");
                assert.equal(ready.body.store, "ok");
              }
              for (const s of sockets) {
                await s.roundTrip();
                assert.equal(s.socket.readyState, WebSocket.OPEN);
                assert.equal(s.drain("message").length, 0);
              }
              // Identify needs the bus (unread counts): refused, not applied, socket kept.
              late = await GatewayClient.connect(servers[1].wsUrl);
              late.send({
                type: "identify",
                token: users[1].token,
                ref: "late",
              });
              const refused = await late.nextOf("error");
              assert.equal(refused.code, "unavailable");
              assert.equal(refused.ref, "late");
              assert.equal(late.socket.readyState, WebSocket.OPEN);
              // The outage itself lasts 3 s: this wait is the scenario, not a synchronisation.
              const left = 3000 - (Date.now() - downAt);
              if (left > 0) await new Promise((r) => setTimeout(r, left));
              await redis.start();
            },
          );

          await t.step(
            "after Redis is back every instance recovers without restart and messages flow across instances again",
            async () => {
              const ready = (server: typeof servers[0]) =>
                waitFor(
                  `${server.url}/readyz to answer 200`,
                  async () => (await readiness(server)).status === 200,
                  { timeoutMs: 30_000 },
                );
              // Each instance's clients reconnect on their own schedule: n1 sends as soon as it
              // is back, and its message reaches n2 and n3 even if they come back later.
              await ready(servers[0]);
              sockets[0].send({
                type: "message",
                group_id: group.id,
                text: "first one back",
                nonce: "first-back",
              });
              for (const s of sockets) {
                const frame = await s.nextOf("message", 30_000);
                assert.equal(frame.message.nonce, "first-back");
                assert.equal(frame.message.seq, 13);
              }
              for (const server of servers) await ready(server);
              // The identify refused during the outage may simply be sent again.
              late!.send({ type: "identify", token: users[1].token });
              assert.equal(
                (await late!.nextOf("ready")).user.id,
                users[1].user.id,
              );
              await late!.close();
              // The refused sends are retried with their nonces, then new ones follow.
              await roundOfMessages((i) => `down-${i}`);
              await roundOfMessages((i) => `after-${i}`);
              assert.equal(echoed.size, 19);
            },
          );

          await t.step(
            "every message echoed before or after the outage is in history and in the store exactly once",
            async () => {
              const history = await fullHistory(users[0].api, group.id);
              assert.equal(history.length, 19);
              await assertExactlyOnce(history, echoed, kvPath, group.id);
            },
          );
        } finally {
          await Promise.all(sockets.map((s) => s.close()));
        }
      },
    );
  },
  integration,
);
