/** PROTOCOL.md §4 (edit, delete, reactions, replies, mentions) against a real server process. */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory } from "../helpers/history.ts";
import { assertRevsFrom, isGroupEvent, Replica } from "../helpers/replica.ts";

Deno.test("living messages on one instance", integration, async (t) => {
  await withServer({}, async (server) => {
    const alice = await newUser(server.url, "alice");
    const bob = await newUser(server.url, "bob");
    const carol = await newUser(server.url, "carol");
    const group = await newGroup(alice.api, "general");
    await bob.api.post(`/api/groups/${group.id}/join`, {});
    const g = group.id;
    const a = await GatewayClient.connect(server.wsUrl, { token: alice.token });
    const b = await GatewayClient.connect(server.wsUrl, { token: bob.token });
    for (const c of [a, b]) {
      c.send({ type: "subscribe", group_ids: [g] });
      assert.equal((await c.nextOf("subscribed")).groups[0].head_rev, 0);
    }
    const event = (c: GatewayClient) => c.next(isGroupEvent(g));
    /** Sends a frame as alice or bob and takes the event both sockets receive. */
    const both = async (from: GatewayClient, frame: object) => {
      from.send(frame);
      const [x, y] = [await event(a), await event(b)];
      assert.deepEqual(x, y, "every subscriber gets the same frame");
      return x;
    };
    /** Sends a frame and takes the error that answers it. */
    const refused = async (from: GatewayClient, frame: object) => {
      const ref = crypto.randomUUID();
      from.send({ ...frame, ref });
      const error = await from.next((f) => f.type === "error" && f.ref === ref);
      assert.equal(error.group_id, g);
      return error.code;
    };
    /** Nothing was published: a ping after the frame comes back before any event. */
    const nothingPublished = async (from: GatewayClient, frame: object) => {
      from.send(frame);
      await from.roundTrip();
      await a.roundTrip();
      await b.roundTrip();
      assert.equal(a.drain("message_update").length, 0);
      assert.equal(b.drain("message_update").length, 0);
      assert.equal(from.drain("error").length, 0, "and no error");
    };

    await t.step(
      "message frames carry the event rev; message.rev is the state's rev",
      async () => {
        const first = await both(a, {
          type: "message",
          group_id: g,
          text: "hello",
        });
        assert.equal(first.type, "message");
        assert.equal(first.rev, 1);
        assert.equal(first.message.rev, 1);
        assert.equal(first.message.seq, 1);
        const second = await both(b, {
          type: "message",
          group_id: g,
          text: "hi @alice. and @Carol-, @nobody",
          reply_to: 1,
        });
        assert.equal(second.rev, 2);
        assert.equal(second.message.reply_to, 1);
        assert.deepEqual(
          second.message.mentions,
          [alice.user.id],
          "carol is no member",
        );
      },
    );

    await t.step(
      "reply_to names a message of the group or is refused",
      async () => {
        const frame = { type: "message", group_id: g, text: "x" };
        assert.equal(await refused(a, { ...frame, reply_to: 99 }), "not_found");
        assert.equal(
          await refused(a, { ...frame, reply_to: 0 }),
          "bad_request",
        );
        assert.equal(
          await refused(a, { ...frame, reply_to: "1" }),
          "bad_request",
        );
      },
    );

    await t.step(
      "edit: the author's new text, edited_at, mentions found again",
      async () => {
        const update = await both(a, {
          type: "edit",
          group_id: g,
          seq: 1,
          text: "  hello @bob  ",
        });
        assert.equal(update.type, "message_update");
        assert.equal(update.rev, 3);
        assert.equal(update.message.rev, 3);
        assert.equal(update.message.text, "hello @bob");
        assert.equal(typeof update.message.edited_at, "string");
        assert.deepEqual(update.message.mentions, [bob.user.id]);
        assert.equal(update.message.seq, 1);
      },
    );

    await t.step(
      "edit is refused to others, on unknown seqs and with bad text",
      async () => {
        const frame = { type: "edit", group_id: g, seq: 1, text: "mine now" };
        assert.equal(await refused(b, frame), "forbidden");
        assert.equal(await refused(a, { ...frame, seq: 42 }), "not_found");
        assert.equal(
          await refused(a, { ...frame, text: "   " }),
          "bad_request",
        );
        assert.equal(await refused(a, { ...frame, seq: -1 }), "bad_request");
      },
    );

    await t.step(
      "react adds, a repeat publishes nothing, unreact removes the emoji",
      async () => {
        const added = await both(b, {
          type: "react",
          group_id: g,
          seq: 1,
          emoji: "👍🏽",
        });
        assert.deepEqual(added.message.reactions, { "👍🏽": [bob.user.id] });
        const again = await both(a, {
          type: "react",
          group_id: g,
          seq: 1,
          emoji: "👍🏽",
        });
        assert.deepEqual(again.message.reactions, {
          "👍🏽": [bob.user.id, alice.user.id],
        });
        await nothingPublished(b, {
          type: "react",
          group_id: g,
          seq: 1,
          emoji: "👍🏽",
        });
        await nothingPublished(b, {
          type: "unreact",
          group_id: g,
          seq: 1,
          emoji: "🎉",
        });
        await both(b, { type: "unreact", group_id: g, seq: 1, emoji: "👍🏽" });
        const gone = await both(a, {
          type: "unreact",
          group_id: g,
          seq: 1,
          emoji: "👍🏽",
        });
        assert.equal(
          gone.message.reactions,
          undefined,
          "the last one removes the emoji",
        );
      },
    );

    await t.step(
      "emoji must be one fully-qualified emoji; at most 20 per message",
      async () => {
        for (const emoji of ["❤", "a", "👍👍", "", "🇫", "x".repeat(65)]) {
          const frame = { type: "react", group_id: g, seq: 2, emoji };
          assert.equal(await refused(a, frame), "bad_request", emoji);
        }
        const twenty = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"];
        assert.equal(twenty.length, 20);
        for (const emoji of ["🇫🇷", "1️⃣", "👨‍👩‍👧", ...twenty.slice(3)]) {
          await both(a, { type: "react", group_id: g, seq: 2, emoji });
        }
        assert.equal(
          await refused(b, { type: "react", group_id: g, seq: 2, emoji: "🙃" }),
          "bad_request",
        );
        const more = await both(b, {
          type: "react",
          group_id: g,
          seq: 2,
          emoji: "🇫🇷",
        });
        assert.equal(Object.keys(more.message.reactions).length, 20);
      },
    );

    await t.step(
      "delete: others are refused; the author's deletion erases text and reactions",
      async () => {
        assert.equal(
          await refused(b, { type: "delete", group_id: g, seq: 1 }),
          "forbidden",
        );
        const tomb = await both(b, { type: "delete", group_id: g, seq: 2 });
        assert.equal(tomb.message.deleted, true);
        assert.equal(tomb.message.text, "");
        assert.equal(tomb.message.reactions, undefined);
        assert.equal(tomb.message.mentions, undefined);
        assert.equal(tomb.message.author.id, bob.user.id);
        assert.equal(tomb.message.reply_to, 1, "the reply stays a reply");
        await nothingPublished(b, { type: "delete", group_id: g, seq: 2 });
        for (
          const frame of [
            { type: "react", group_id: g, seq: 2, emoji: "🎉" },
            { type: "edit", group_id: g, seq: 2, text: "back" },
          ]
        ) assert.equal(await refused(b, frame), "not_found");
        assert.equal(
          await refused(a, { type: "delete", group_id: g, seq: 9 }),
          "not_found",
        );
        assert.equal(
          (await bob.api.get(`/api/groups/${g}/messages/2`)).body.message.text,
          "",
        );
      },
    );

    await t.step("the group's owner may delete anyone's message", async () => {
      const sent = await both(b, {
        type: "message",
        group_id: g,
        text: "spam",
      });
      const tomb = await both(a, {
        type: "delete",
        group_id: g,
        seq: sent.message.seq,
      });
      assert.equal(tomb.message.deleted, true);
    });

    await t.step(
      "HTTP: one message, edit, reactions and delete answer the state",
      async () => {
        const sent = await alice.api.post(`/api/groups/${g}/messages`, {
          text: "over http",
          reply_to: 1,
        });
        assert.equal(sent.status, 201);
        const seq = sent.body.message.seq;
        assert.equal(sent.body.message.reply_to, 1);
        await event(a), await event(b);
        const url = `/api/groups/${g}/messages/${seq}`;
        assert.equal((await bob.api.get(url)).body.message.text, "over http");
        assert.equal(
          (await bob.api.get(`/api/groups/${g}/messages/999`)).status,
          404,
        );
        assert.equal(
          (await bob.api.get(`/api/groups/${g}/messages/abc`)).status,
          400,
        );
        assert.equal((await carol.api.get(url)).status, 403);
        const edited = await alice.api.request("PATCH", url, {
          text: "edited",
        });
        assert.equal(edited.status, 200);
        assert.equal(edited.body.message.text, "edited");
        assert.equal(
          (await bob.api.request("PATCH", url, { text: "x" })).status,
          403,
        );
        const emoji = encodeURIComponent("👨‍👩‍👧");
        const put = await bob.api.request("PUT", `${url}/reactions/${emoji}`);
        assert.equal(put.status, 200);
        assert.deepEqual(put.body.message.reactions, { "👨‍👩‍👧": [bob.user.id] });
        const putAgain = await bob.api.request(
          "PUT",
          `${url}/reactions/${emoji}`,
        );
        assert.deepEqual(putAgain.body.message, put.body.message, "no change");
        const bad = await bob.api.request(
          "PUT",
          `${url}/reactions/${encodeURIComponent("❤")}`,
        );
        assert.equal(bad.status, 400);
        const removed = await bob.api.request(
          "DELETE",
          `${url}/reactions/${emoji}`,
        );
        assert.equal(removed.body.message.reactions, undefined);
        const deleted = await alice.api.request("DELETE", url);
        assert.equal(deleted.status, 200);
        assert.equal(deleted.body.message.deleted, true);
        const again = await alice.api.request("DELETE", url);
        assert.deepEqual(
          again.body.message,
          deleted.body.message,
          "the tombstone again",
        );
        // Each change above reached the sockets once: edit, react, unreact, delete.
        const updates = [];
        for (let i = 0; i < 4; i++) updates.push(await event(b));
        assert.deepEqual(
          updates.map((u) => u.type),
          Array(4).fill("message_update"),
        );
        await b.roundTrip();
        assert.equal(b.drain("message_update").length, 0);
        for (let i = 0; i < 4; i++) await event(a);
      },
    );

    await t.step(
      "HTTP pages: after_seq and around_seq, in current state",
      async () => {
        for (let i = 0; i < 10; i++) {
          await both(a, { type: "message", group_id: g, text: `filler ${i}` });
        }
        const head = (await fullHistory(bob.api, g)).length;
        const after = await bob.api.get(
          `/api/groups/${g}/messages?after_seq=2&limit=3`,
        );
        assert.deepEqual(
          after.body.messages.map((m: { seq: number }) => m.seq),
          [3, 4, 5],
        );
        assert.equal(after.body.has_more, true);
        const tail = await bob.api.get(
          `/api/groups/${g}/messages?after_seq=${head - 2}`,
        );
        assert.equal(tail.body.messages.length, 2);
        assert.equal(tail.body.has_more, false);
        const around = await bob.api.get(
          `/api/groups/${g}/messages?around_seq=8&limit=5`,
        );
        assert.deepEqual(
          around.body.messages.map((m: { seq: number }) => m.seq),
          [6, 7, 8, 9, 10],
        );
        assert.equal(around.body.has_more, true);
        assert.equal(around.body.has_more_after, true);
        const start = await bob.api.get(
          `/api/groups/${g}/messages?around_seq=1&limit=4`,
        );
        assert.deepEqual(
          start.body.messages.map((m: { seq: number }) => m.seq),
          [1, 2, 3, 4],
        );
        assert.equal(start.body.has_more, false);
        const end = await bob.api.get(
          `/api/groups/${g}/messages?around_seq=${head}&limit=4`,
        );
        assert.equal(end.body.messages.at(-1).seq, head);
        assert.equal(end.body.messages.length, 4);
        assert.equal(end.body.has_more_after, false);
        assert.equal(end.body.messages[1].deleted ?? false, false);
        const two = await bob.api.get(
          `/api/groups/${g}/messages?after_seq=1&before_seq=3`,
        );
        assert.equal(two.status, 400);
      },
    );

    await t.step(
      "unread and mention counts skip deleted and own messages",
      async () => {
        const counts = async () => {
          const groups = (await bob.api.get("/api/groups")).body.groups;
          const mine = groups.find((x: { id: string }) => x.id === g);
          return [mine.unread_count, mine.mention_count];
        };
        const head = (await fullHistory(bob.api, g)).length;
        b.send({ type: "read", group_id: g, seq: head });
        await b.roundTrip();
        assert.deepEqual(await counts(), [0, 0]);
        await both(b, { type: "message", group_id: g, text: "my own" });
        const ping = await both(a, {
          type: "message",
          group_id: g,
          text: "@bob look",
        });
        await both(a, { type: "message", group_id: g, text: "plain" });
        assert.deepEqual(await counts(), [2, 1]);
        await both(a, { type: "delete", group_id: g, seq: ping.message.seq });
        assert.deepEqual(await counts(), [1, 0]);
      },
    );

    await t.step(
      "resuming with since_rev replays one frame per rev and ends in the fresh-load state",
      async () => {
        const before = new Replica(await fullHistory(bob.api, g));
        b.send({ type: "unsubscribe", group_ids: [g] });
        await b.nextOf("unsubscribed");
        const head =
          (await a.roundTrip(), a.received.filter(isGroupEvent(g)).at(-1)!.rev);
        before.lastRev = head;
        // Alice changes old and new messages while bob is away.
        const away = (await fullHistory(bob.api, g)).length + 1;
        const frames = [
          { type: "message", group_id: g, text: "while away" },
          { type: "edit", group_id: g, seq: 1, text: "hello again" },
          { type: "react", group_id: g, seq: 1, emoji: "🎉" },
          { type: "delete", group_id: g, seq: 1 },
          { type: "message", group_id: g, text: "last", reply_to: 1 },
          { type: "react", group_id: g, seq: away, emoji: "🎉" },
        ];
        for (const frame of frames) {
          a.send(frame);
          await event(a);
        }
        b.drain("message");
        b.drain("message_update");
        b.send({
          type: "subscribe",
          group_ids: [g],
          since_rev: { [g]: head },
          since: { [g]: 1 },
        });
        const subscribed = await b.nextOf("subscribed");
        assert.equal(subscribed.groups[0].head_rev, head + frames.length);
        const replayed = b.drain("message").concat(b.drain("message_update"))
          .sort((x, y) => b.received.indexOf(x) - b.received.indexOf(y));
        for (const frame of replayed) before.apply(frame);
        assertRevsFrom(before.revs, head, head + frames.length);
        assert.deepEqual(
          replayed.map((f) => f.type),
          [
            "message",
            "message_update",
            "message_update",
            "message_update",
            "message",
            "message_update",
          ],
        );
        assert.deepEqual(before.history(), await fullHistory(bob.api, g));
        assert.equal(b.drain("resync").length, 0);
      },
    );

    await t.step(
      "a client of §1–§3 resuming with since gets message frames in seq order",
      async () => {
        const old = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        old.send({ type: "subscribe", group_ids: [g], since: { [g]: 3 } });
        const subscribed = await old.nextOf("subscribed");
        const head = subscribed.groups[0].head_seq;
        const replay = old.drain("message");
        assert.deepEqual(
          replay.map((f) => f.message.seq),
          Array.from({ length: head - 3 }, (_, i) => 4 + i),
        );
        await old.close();
      },
    );

    await t.step(
      "since_rev ahead of the head, or too old for any copy, answers resync",
      async () => {
        const c = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        c.send({
          type: "subscribe",
          group_ids: [g],
          since_rev: { [g]: 10_000 },
        });
        assert.equal((await c.nextOf("resync")).group_id, g);
        await c.nextOf("subscribed");
        await c.close();
      },
    );

    await a.close();
    await b.close();
  });
});
