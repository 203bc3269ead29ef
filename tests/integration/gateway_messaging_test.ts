/** PROTOCOL.md §2 messaging frames against a real server process over real WebSockets. */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";

Deno.test("gateway messaging on one instance", integration, async (t) => {
  await withServer({}, async (server) => {
    const alice = await newUser(server.url, "alice");
    const bob = await newUser(server.url, "bob");
    const group = await newGroup(alice.api, "general");
    const other = await newGroup(alice.api, "other");
    await bob.api.post(`/api/groups/${group.id}/join`, {});
    const a = await GatewayClient.connect(server.wsUrl, { token: alice.token });
    const b = await GatewayClient.connect(server.wsUrl, { token: bob.token });

    await t.step(
      "subscribe answers subscribed with head_seq and who is online",
      async () => {
        a.send({
          type: "subscribe",
          group_ids: [group.id, other.id],
          ref: "s1",
        });
        const subscribed = await a.nextOf("subscribed");
        assert.equal(subscribed.ref, "s1");
        const general = subscribed.groups.find((g: { group_id: string }) =>
          g.group_id === group.id
        );
        assert.equal(general.head_seq, 0);
        assert.deepEqual(
          general.online_user_ids.sort(),
          [alice.user.id, bob.user.id].sort(),
        );
      },
    );

    await t.step(
      "subscribe to a group one is not in answers forbidden naming it; the others subscribe",
      async () => {
        b.send({
          type: "subscribe",
          group_ids: [group.id, other.id],
          ref: "s2",
        });
        const error = await b.nextOf("error");
        assert.equal(error.code, "forbidden");
        assert.equal(error.group_id, other.id);
        assert.equal(error.ref, "s2");
        const subscribed = await b.nextOf("subscribed");
        assert.deepEqual(
          subscribed.groups.map((g: { group_id: string }) => g.group_id),
          [group.id],
        );
      },
    );

    await t.step(
      "a message reaches every subscriber, the sender included, carrying its nonce",
      async () => {
        a.send({
          type: "message",
          group_id: group.id,
          text: "  hello bob  ",
          nonce: "n-1",
        });
        const mine = await a.nextOf("message");
        const theirs = await b.nextOf("message");
        assert.deepEqual(mine, theirs);
        assert.equal(mine.group_id, group.id);
        assert.equal(mine.message.text, "hello bob");
        assert.equal(mine.message.nonce, "n-1");
        assert.equal(mine.message.seq, 1);
        assert.deepEqual(mine.message.author, alice.user);
        await a.roundTrip();
        assert.equal(
          a.drain("error").length,
          0,
          "no error and no separate ack",
        );
      },
    );

    await t.step(
      "a retry with the same nonce creates no second message and is echoed to that socket only",
      async () => {
        a.send({
          type: "message",
          group_id: group.id,
          text: "hello bob",
          nonce: "n-1",
        });
        const echo = await a.nextOf("message");
        assert.equal(echo.message.seq, 1);
        b.send({
          type: "message",
          group_id: group.id,
          text: "second",
          nonce: "n-1",
        });
        const second = await b.nextOf("message");
        assert.equal(
          second.message.seq,
          2,
          "the same nonce from another user is another message",
        );
        assert.equal((await a.nextOf("message")).message.seq, 2);
        await b.roundTrip();
        assert.equal(
          b.drain("message").length,
          0,
          "bob saw no copy of alice's retry",
        );
      },
    );

    await t.step(
      "messages in one group do not reach subscribers of another",
      async () => {
        a.send({ type: "message", group_id: other.id, text: "only alice" });
        const got = await a.nextOf("message");
        assert.equal(got.group_id, other.id);
        assert.equal(got.message.seq, 1);
        await b.roundTrip();
        assert.equal(b.drain("message").length, 0);
      },
    );

    await t.step(
      "bad message frames get a bad_request error with the ref and the socket stays usable",
      async () => {
        for (
          const frame of [
            { type: "message", group_id: group.id, text: "   ", ref: "e1" },
            {
              type: "message",
              group_id: group.id,
              text: "x".repeat(4001),
              ref: "e1",
            },
            {
              type: "message",
              group_id: group.id,
              text: "ok",
              nonce: "n".repeat(65),
              ref: "e1",
            },
            { type: "message", text: "no group", ref: "e1" },
          ]
        ) {
          a.send(frame);
          const error = await a.nextOf("error");
          assert.equal(
            error.code,
            "bad_request",
            JSON.stringify(frame).slice(0, 80),
          );
          assert.equal(error.ref, "e1");
        }
        a.send({ type: "message", group_id: group.id, text: "x".repeat(4000) });
        assert.equal((await a.nextOf("message")).message.seq, 3);
        await b.nextOf("message");
      },
    );

    await t.step(
      "a message to a group one is not in answers forbidden with the group and nonce",
      async () => {
        b.send({
          type: "message",
          group_id: other.id,
          text: "intruder",
          nonce: "n-x",
          ref: "r",
        });
        const error = await b.nextOf("error");
        assert.equal(error.code, "forbidden");
        assert.equal(error.group_id, other.id);
        assert.equal(error.nonce, "n-x");
        assert.equal(error.ref, "r");
      },
    );

    await t.step(
      "typing_start and typing_stop reach the other subscribers, not the typist",
      async () => {
        b.send({ type: "typing_start", group_id: group.id });
        assert.deepEqual(await a.nextOf("typing_start"), {
          type: "typing_start",
          group_id: group.id,
          user_id: bob.user.id,
        });
        b.send({ type: "typing_stop", group_id: group.id });
        assert.equal((await a.nextOf("typing_stop")).user_id, bob.user.id);
        await b.roundTrip();
        assert.equal(
          b.drain("typing_start").length + b.drain("typing_stop").length,
          0,
        );
      },
    );

    await t.step(
      "sending a message ends its author's typing state",
      async () => {
        b.send({ type: "typing_start", group_id: group.id });
        await a.nextOf("typing_start");
        b.send({ type: "message", group_id: group.id, text: "done typing" });
        await a.nextOf("message");
        assert.equal((await a.nextOf("typing_stop")).user_id, bob.user.id);
        await b.nextOf("message");
      },
    );

    await t.step(
      "read stores the position and tells the group with read_receipt",
      async () => {
        // A reader who has posted nothing: authors' own messages are read already.
        const rita = await newUser(server.url, "rita");
        await rita.api.post(`/api/groups/${group.id}/join`, {});
        const r = await GatewayClient.connect(server.wsUrl, {
          token: rita.token,
        });
        r.send({ type: "read", group_id: group.id, seq: 3 });
        const receipt = await a.nextOf("read_receipt");
        assert.deepEqual(receipt, {
          type: "read_receipt",
          group_id: group.id,
          user_id: rita.user.id,
          seq: 3,
        });
        await b.nextOf("read_receipt");
        const groups = (await rita.api.get("/api/groups")).body.groups;
        assert.equal(groups[0].last_read_seq, 3);
        assert.equal(groups[0].unread_count, 1, "4 messages, 3 read");
        r.send({ type: "read", group_id: group.id, seq: 2 });
        await r.roundTrip();
        const after = (await rita.api.get("/api/groups")).body.groups[0];
        assert.equal(after.last_read_seq, 3, "read positions never move back");
        await r.close();
        // Keep later presence steps clean: rita's online and offline are consumed here.
        for (const status of ["online", "offline"]) {
          await a.next((f) =>
            f.type === "presence" && f.user_id === rita.user.id &&
            f.status === status
          );
        }
      },
    );

    await t.step(
      "a member's own messages never count as unread to them",
      async () => {
        // Bob wrote seq 4, the newest: once persisted he has read everything.
        const deadline = Date.now() + 5_000;
        let general;
        do {
          const groups = (await bob.api.get("/api/groups")).body.groups;
          general = groups.find((g: { id: string }) => g.id === group.id);
          if (general.last_read_seq === 4) break;
          await new Promise((r) => setTimeout(r, 20));
        } while (Date.now() < deadline);
        assert.equal(general.last_read_seq, 4);
        assert.equal(general.unread_count, 0);
      },
    );

    await t.step("ping answers pong with the ref", async () => {
      a.send({ type: "ping", ref: "p1" });
      assert.deepEqual(await a.nextOf("pong"), { type: "pong", ref: "p1" });
    });

    await t.step(
      "presence: another member's first socket is online, its last is offline",
      async () => {
        const b2 = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        await b2.close();
        await a.roundTrip();
        assert.equal(
          a.drain("presence").length,
          0,
          "bob stayed online through his second socket",
        );
        await b.close();
        assert.deepEqual(await a.nextOf("presence"), {
          type: "presence",
          user_id: bob.user.id,
          status: "offline",
        });
        const back = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        assert.deepEqual(await a.nextOf("presence"), {
          type: "presence",
          user_id: bob.user.id,
          status: "online",
        });
        back.send({ type: "subscribe", group_ids: [group.id] });
        await back.nextOf("subscribed");
        await back.close();
        await a.nextOf("presence");
      },
    );

    await t.step(
      "subscribe with since replays missed messages in order, then live, without duplicates",
      async () => {
        const c = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        for (let i = 0; i < 5; i++) {
          await alice.api.post(`/api/groups/${group.id}/messages`, {
            text: `missed ${i}`,
          });
        }
        a.drain("message");
        c.send({
          type: "subscribe",
          group_ids: [group.id],
          since: { [group.id]: 2 },
        });
        const replayed = [];
        for (let i = 0; i < 7; i++) {
          replayed.push((await c.nextOf("message")).message.seq);
        }
        assert.deepEqual(replayed, [3, 4, 5, 6, 7, 8, 9]);
        const subscribed = await c.nextOf("subscribed");
        assert.equal(subscribed.groups[0].head_seq, 9);
        a.send({ type: "message", group_id: group.id, text: "live" });
        assert.equal((await c.nextOf("message")).message.seq, 10);
        assert.equal(
          (await a.next((f) => f.type === "message" && f.message.seq === 10))
            .message.text,
          "live",
        );
        await c.roundTrip();
        assert.equal(c.drain("message").length, 0);
        await c.close();
      },
    );

    await t.step(
      "subscribe with a since the server cannot serve answers resync",
      async () => {
        const c = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        c.send({
          type: "subscribe",
          group_ids: [group.id],
          since: { [group.id]: 999_999 },
        });
        assert.deepEqual(await c.nextOf("resync"), {
          type: "resync",
          group_id: group.id,
        });
        await c.nextOf("subscribed");
        await c.close();
      },
    );

    await t.step(
      "unsubscribe stops delivery and answers unsubscribed",
      async () => {
        a.send({ type: "unsubscribe", group_ids: [other.id], ref: "u1" });
        assert.deepEqual(await a.nextOf("unsubscribed"), {
          type: "unsubscribed",
          group_ids: [other.id],
          ref: "u1",
        });
        await alice.api.post(`/api/groups/${other.id}/messages`, {
          text: "unheard",
        });
        await a.roundTrip();
        assert.equal(a.drain("message").length, 0);
      },
    );

    await t.step(
      "leaving a group ends the leaver's live subscriptions with unsubscribed",
      async () => {
        const c = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        c.send({ type: "subscribe", group_ids: [group.id] });
        await c.nextOf("subscribed");
        assert.equal(
          (await bob.api.post(`/api/groups/${group.id}/leave`)).status,
          204,
        );
        assert.deepEqual(await c.nextOf("unsubscribed"), {
          type: "unsubscribed",
          group_ids: [group.id],
        });
        await alice.api.post(`/api/groups/${group.id}/messages`, {
          text: "after leave",
        });
        await a.nextOf("message");
        await c.roundTrip();
        assert.equal(c.drain("message").length, 0);
        c.send({ type: "subscribe", group_ids: [group.id] });
        assert.equal((await c.nextOf("error")).code, "forbidden");
        assert.deepEqual(
          (await c.nextOf("subscribed")).groups,
          [],
          "still answered",
        );
        await c.close();
      },
    );

    await t.step(
      "joins and leaves are told to the group's other subscribers",
      async () => {
        const erin = await newUser(server.url, "erin");
        await erin.api.post(`/api/groups/${group.id}/join`, {});
        const joined = await a.next((f) =>
          f.type === "member_joined" && f.user.id === erin.user.id
        );
        assert.deepEqual(joined, {
          type: "member_joined",
          group_id: group.id,
          user: erin.user,
          online: false,
        });
        await erin.api.post(`/api/groups/${group.id}/leave`);
        const left = await a.next((f) =>
          f.type === "member_left" && f.user_id === erin.user.id
        );
        assert.deepEqual(left, {
          type: "member_left",
          group_id: group.id,
          user_id: erin.user.id,
        });
      },
    );

    await t.step("logout closes the session's sockets with 4001", async () => {
      const carol = await newUser(server.url);
      const c = await GatewayClient.connect(server.wsUrl, {
        token: carol.token,
      });
      await carol.api.post("/api/auth/logout");
      assert.equal((await c.closed).code, 4001);
    });

    await t.step(
      "a typing state that is not renewed expires after 10 s",
      async () => {
        const dave = await newUser(server.url);
        await dave.api.post(`/api/groups/${group.id}/join`, {});
        const d = await GatewayClient.connect(server.wsUrl, {
          token: dave.token,
        });
        a.drain("presence");
        d.send({ type: "typing_start", group_id: group.id });
        await a.nextOf("typing_start");
        const started = Date.now();
        const stop = await a.nextOf("typing_stop", 15_000);
        assert.equal(stop.user_id, dave.user.id);
        assert.ok(
          Date.now() - started >= 8_000,
          "expired no earlier than the protocol allows",
        );
        await d.close();
      },
    );

    await a.close();
  });
});
