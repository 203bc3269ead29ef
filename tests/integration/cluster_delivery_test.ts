/**
 * Three real instances sharing one Redis and one KV file are one service (PROTOCOL.md §3): clients
 * spread over them talk to each other, groups stay apart, the 500-message burst holds, a client
 * resumes on another instance, and leave / logout reach sockets on every instance.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { concurrentBurst } from "../helpers/burst.ts";
import { withCluster } from "../helpers/cluster.ts";
import { integration } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory } from "../helpers/history.ts";
import { redisTest } from "../helpers/redis_server.ts";

/** Opens a socket as `token` and subscribes it to `groupIds`. */
async function subscribed(
  wsUrl: string,
  token: string,
  groupIds: string[],
): Promise<GatewayClient> {
  const socket = await GatewayClient.connect(wsUrl, { token });
  socket.send({ type: "subscribe", group_ids: groupIds });
  await socket.nextOf("subscribed");
  return socket;
}

/** The next `message` frame of a group. */
const nextMessage = (socket: GatewayClient, groupId: string) =>
  socket.next((f) => f.type === "message" && f.group_id === groupId);

redisTest(
  "three instances on one Redis and one KV file behave as one service",
  async (t) => {
    await withCluster({}, async ({ servers: [s1, s2, s3] }) => {
      const alice = await newUser(s1.url, "alice");
      const bob = await newUser(s2.url, "bob");
      const carol = await newUser(s3.url, "carol");
      const general = await newGroup(alice.api, "general");
      for (const member of [bob, carol]) {
        const joined = await member.api.post(
          `/api/groups/${general.id}/join`,
          {},
        );
        assert.equal(joined.status, 200);
      }
      const a = await subscribed(s1.wsUrl, alice.token, [general.id]);
      const b = await subscribed(s2.wsUrl, bob.token, [general.id]);
      const c = await subscribed(s3.wsUrl, carol.token, [general.id]);
      const everyone = [a, b, c];
      const opened: GatewayClient[] = [...everyone];

      try {
        await t.step(
          "a message sent on the first instance reaches the others, and the sender's own echo carries its nonce",
          async () => {
            a.send({
              type: "message",
              group_id: general.id,
              text: "hello from n1",
              nonce: "a-1",
            });
            const [mine, onS2, onS3] = await Promise.all(
              everyone.map((s) => nextMessage(s, general.id)),
            );
            assert.equal(mine.message.nonce, "a-1");
            assert.equal(mine.message.seq, 1);
            assert.deepEqual(mine.message.author, alice.user);
            assert.deepEqual(onS2, mine);
            assert.deepEqual(onS3, mine);
          },
        );

        await t.step(
          "messages flow the other way too: from the third and second instances to every instance",
          async () => {
            c.send({
              type: "message",
              group_id: general.id,
              text: "hello from n3",
              nonce: "c-1",
            });
            const fromC = await Promise.all(
              everyone.map((s) => nextMessage(s, general.id)),
            );
            for (const frame of fromC) assert.deepEqual(frame, fromC[2]);
            assert.equal(fromC[2].message.nonce, "c-1");
            assert.equal(fromC[2].message.seq, 2);
            b.send({
              type: "message",
              group_id: general.id,
              text: "hello from n2",
              nonce: "b-1",
            });
            const fromB = await Promise.all(
              everyone.map((s) => nextMessage(s, general.id)),
            );
            for (const frame of fromB) assert.deepEqual(frame, fromB[1]);
            assert.equal(fromB[1].message.nonce, "b-1");
            assert.equal(fromB[1].message.seq, 3);
          },
        );

        await t.step(
          "typing_start and typing_stop cross instances and are not echoed to the typist",
          async () => {
            b.send({ type: "typing_start", group_id: general.id });
            for (const s of [a, c]) {
              assert.deepEqual(await s.nextOf("typing_start"), {
                type: "typing_start",
                group_id: general.id,
                user_id: bob.user.id,
              });
            }
            b.send({ type: "typing_stop", group_id: general.id });
            for (const s of [a, c]) {
              assert.equal(
                (await s.nextOf("typing_stop")).user_id,
                bob.user.id,
              );
            }
            // Barrier: bob's next message is published after his typing events.
            b.send({ type: "message", group_id: general.id, text: "typed" });
            await Promise.all(everyone.map((s) => nextMessage(s, general.id)));
            assert.equal(
              b.drain("typing_start").length + b.drain("typing_stop").length,
              0,
            );
          },
        );

        await t.step(
          "a read on one instance is stored and told as read_receipt on every instance",
          async () => {
            c.send({ type: "read", group_id: general.id, seq: 3 });
            const expected = {
              type: "read_receipt",
              group_id: general.id,
              user_id: carol.user.id,
              seq: 3,
            };
            for (const s of everyone) {
              assert.deepEqual(await s.nextOf("read_receipt"), expected);
            }
            const viaS1 = new ApiClient(s1.url, carol.token);
            const groups = (await viaS1.get("/api/groups")).body.groups;
            assert.equal(groups[0].last_read_seq, 3);
            assert.equal(groups[0].unread_count, 1, "4 messages, 3 read");
          },
        );

        await t.step(
          "a retry with the same nonce sent to a different instance creates no second message",
          async () => {
            const original = a.received.find((f) =>
              f.type === "message" && f.message.nonce === "a-1"
            )!;
            // Alice's reconnect lands on n2 and resends what she believes unechoed.
            const a2 = await subscribed(s2.wsUrl, alice.token, [general.id]);
            opened.push(a2);
            a2.send({
              type: "message",
              group_id: general.id,
              text: "hello from n1",
              nonce: "a-1",
            });
            const echo = await nextMessage(a2, general.id);
            assert.deepEqual(echo, original, "the original is sent again");
            // And once more over HTTP on n3.
            const viaS3 = new ApiClient(s3.url, alice.token);
            const res = await viaS3.post(
              `/api/groups/${general.id}/messages`,
              { text: "hello from n1", nonce: "a-1" },
            );
            assert.equal(res.status, 201);
            assert.deepEqual(res.body.message, original.message);

            a.send({
              type: "message",
              group_id: general.id,
              text: "after the retries",
            });
            for (const s of [...everyone, a2]) {
              const next = await nextMessage(s, general.id);
              assert.equal(
                next.message.seq,
                5,
                "the retries took no seq and reached no one else",
              );
            }
            const history = await fullHistory(alice.api, general.id);
            assert.deepEqual(history.map((m) => m.seq), [1, 2, 3, 4, 5]);
            assert.equal(
              history.filter((m) => m.nonce === "a-1").length,
              1,
            );
          },
        );

        await t.step(
          "a group's messages reach no subscriber of another group on any instance",
          async () => {
            const dave = await newUser(s3.url, "dave");
            const side = await newGroup(bob.api, "side");
            await dave.api.post(`/api/groups/${side.id}/join`, {});
            const d = await subscribed(s3.wsUrl, dave.token, [side.id]);
            opened.push(d);
            b.send({ type: "subscribe", group_ids: [side.id] });
            await b.nextOf("subscribed");

            d.send({ type: "message", group_id: side.id, text: "side talk" });
            assert.equal((await nextMessage(b, side.id)).message.seq, 1);
            assert.equal((await nextMessage(d, side.id)).message.seq, 1);
            // Barrier: published after the side message, so every instance has handled it.
            a.send({ type: "message", group_id: general.id, text: "general" });
            for (const s of everyone) await nextMessage(s, general.id);
            for (const s of [a, c]) {
              assert.equal(
                s.drain("message").length,
                0,
                "no side message on n1 or n3",
              );
            }
            await d.roundTrip();
            assert.equal(d.drain("message").length, 0, "no general on n3");

            const outsider = new ApiClient(s1.url, carol.token);
            const sent = await outsider.post(
              `/api/groups/${side.id}/messages`,
              { text: "intruder" },
            );
            assert.equal(sent.status, 403);
            c.send({ type: "subscribe", group_ids: [side.id] });
            const refused = await c.nextOf("error");
            assert.equal(refused.code, "forbidden");
            assert.equal(refused.group_id, side.id);
          },
        );

        await t.step(
          "a client that saw seq N on one instance resumes on another with since: the missed messages in order, then live, no gap, no duplicate",
          async () => {
            const b2 = await subscribed(s2.wsUrl, bob.token, [general.id]);
            a.send({ type: "message", group_id: general.id, text: "seen" });
            const seen = (await nextMessage(b2, general.id)).message.seq;
            await b2.close();
            for (const s of everyone) await nextMessage(s, general.id);
            for (let i = 0; i < 5; i++) {
              const sender = i % 2 ? a : c;
              sender.send({
                type: "message",
                group_id: general.id,
                text: `missed ${i}`,
              });
              await nextMessage(b, general.id);
            }
            const head = seen + 5;

            const resumed = await GatewayClient.connect(s3.wsUrl, {
              token: bob.token,
            });
            opened.push(resumed);
            resumed.send({
              type: "subscribe",
              group_ids: [general.id],
              since: { [general.id]: seen },
            });
            // Live traffic races the replay from both other instances.
            for (let i = 0; i < 6; i++) {
              (i % 2 ? a : c).send({
                type: "message",
                group_id: general.id,
                text: `live ${i}`,
              });
            }
            const last = head + 6;
            const seqs: number[] = [];
            while (seqs.at(-1) !== last) {
              seqs.push((await nextMessage(resumed, general.id)).message.seq);
            }
            assert.deepEqual(
              seqs,
              Array.from({ length: last - seen }, (_, i) => seen + 1 + i),
            );
            const ack = await resumed.nextOf("subscribed");
            assert.ok(ack.groups[0].head_seq >= head);
            const order = resumed.received.filter((f: Frame) =>
              f.type === "message" || f.type === "subscribed"
            );
            assert.ok(
              order.findIndex((f) => f.type === "subscribed") >= head - seen,
              "the missed messages are replayed before subscribed",
            );
            for (const s of everyone) {
              while ((await nextMessage(s, general.id)).message.seq < last);
            }
            await resumed.roundTrip();
            assert.equal(resumed.drain("message").length, 0);
            assert.equal(resumed.drain("resync").length, 0);
          },
        );

        await t.step(
          "500 concurrent messages with senders on all three instances arrive exactly once, in seq order, and are all in history",
          async () => {
            await concurrentBurst([s1, s2, s3]);
          },
        );

        await t.step(
          "leaving a group on one instance ends the leaver's subscriptions on every instance",
          async () => {
            const erin = await newUser(s1.url, "erin");
            await erin.api.post(`/api/groups/${general.id}/join`, {});
            const sockets = await Promise.all(
              [s1, s2, s3].map((s) =>
                subscribed(s.wsUrl, erin.token, [general.id])
              ),
            );
            opened.push(...sockets);
            const viaS2 = new ApiClient(s2.url, erin.token);
            assert.equal(
              (await viaS2.post(`/api/groups/${general.id}/leave`)).status,
              204,
            );
            for (const s of sockets) {
              assert.deepEqual(await s.nextOf("unsubscribed"), {
                type: "unsubscribed",
                group_ids: [general.id],
              });
            }
            a.send({ type: "message", group_id: general.id, text: "gone?" });
            for (const s of everyone) await nextMessage(s, general.id);
            for (const s of sockets) {
              await s.roundTrip();
              assert.equal(s.drain("message").length, 0);
            }
          },
        );

        await t.step(
          "logout on one instance closes that session's sockets on every instance with 4001",
          async () => {
            const frank = await newUser(s2.url, "frank");
            const sockets = await Promise.all(
              [s1, s2, s3].map((s) =>
                GatewayClient.connect(s.wsUrl, { token: frank.token })
              ),
            );
            opened.push(...sockets);
            const login = await new ApiClient(s1.url).post(
              "/api/auth/login",
              { username: "frank", password: "correct horse" },
            );
            const other = await GatewayClient.connect(s1.wsUrl, {
              token: login.body.token,
            });
            opened.push(other);
            const viaS3 = new ApiClient(s3.url, frank.token);
            assert.equal((await viaS3.post("/api/auth/logout")).status, 204);
            for (const s of sockets) {
              const closed = await s.closed;
              assert.equal(closed.code, 4001);
            }
            await other.roundTrip();
            assert.equal(
              other.socket.readyState,
              WebSocket.OPEN,
              "another session of the same user stays open",
            );
          },
        );
      } finally {
        await Promise.all(opened.map((s) => s.close()));
      }
    });
  },
  integration,
);
