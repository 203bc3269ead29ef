/**
 * A `since` replay inside the replay limit is paced by the socket's send queue: it never floods
 * that bounded queue into close 4003, however large, and however many replays are asked at once.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";

/** About 12 KB of UTF-8 in 4000 characters, the most text a message may hold. */
const bigText = (i: number) => `${i} ${"€".repeat(3990)}`;

/** Sends `count` big messages to a group over one socket and waits until all are appended. */
async function fill(
  wsUrl: string,
  token: string,
  groupId: string,
  count: number,
) {
  const sender = await GatewayClient.connect(wsUrl, { token });
  for (let i = 1; i <= count; i++) {
    sender.send({ type: "message", group_id: groupId, text: bigText(i) });
    if (i % 100 === 0) await sender.roundTrip(); // the socket's frame queue is bounded
  }
  await sender.roundTrip();
  assert.deepEqual(sender.drain("error"), []);
  await sender.close();
}

/** Waits for `n` message frames of a group on `c`, failing if the socket closes first. */
async function messagesOf(c: GatewayClient, groupId: string, n: number) {
  const got: Frame[] = [];
  const closed = c.closed.then((e) => {
    throw new Error(`socket closed with ${e.code} after ${got.length} of ${n}`);
  });
  while (got.length < n) {
    got.push(
      await Promise.race([
        c.next((f) => f.type === "message" && f.group_id === groupId, 60_000),
        closed,
      ]),
    );
  }
  return got;
}

Deno.test(
  "replays are paced by the socket's send queue",
  integration,
  async (t) => {
    await withServer({}, async (server) => {
      const alice = await newUser(server.url);
      const large = await newGroup(alice.api, "large");
      const medium = await newGroup(alice.api, "medium");
      await fill(server.wsUrl, alice.token, large.id, 400);
      await fill(server.wsUrl, alice.token, medium.id, 100);

      await t.step(
        "since: 0 on 400 messages of 12 KB replays them all in order, without 4003",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          c.send({
            type: "subscribe",
            group_ids: [large.id],
            since: { [large.id]: 0 },
          });
          const got = await messagesOf(c, large.id, 400);
          assert.deepEqual(
            got.map((f) => f.message.seq),
            Array.from({ length: 400 }, (_, i) => i + 1),
          );
          const subscribed = await c.nextOf("subscribed");
          assert.equal(subscribed.groups[0].head_seq, 400);
          assert.deepEqual(c.drain("resync"), []);
          await c.roundTrip();
          await c.close();
        },
      );

      await t.step(
        "20 quick since: 0 subscribes each get their replay and the socket stays open",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          for (let i = 0; i < 20; i++) {
            c.send({
              type: "subscribe",
              group_ids: [medium.id],
              since: { [medium.id]: 0 },
              ref: `s${i}`,
            });
          }
          const got = await messagesOf(c, medium.id, 20 * 100);
          for (let i = 0; i < 20; i++) {
            assert.deepEqual(
              got.slice(i * 100, i * 100 + 100).map((f) => f.message.seq),
              Array.from({ length: 100 }, (_, j) => j + 1),
            );
            await c.next((f) => f.type === "subscribed" && f.ref === `s${i}`);
          }
          await c.roundTrip();
          c.send({ type: "message", group_id: medium.id, text: "still here" });
          const live = await c.next((f) =>
            f.type === "message" && f.message.text === "still here"
          );
          assert.equal(live.message.seq, 101);
          await c.close();
        },
      );
    });
  },
);
