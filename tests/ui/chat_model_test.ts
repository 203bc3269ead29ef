import assert from "node:assert/strict";
import { ChatModel } from "../../lib/ui/chat_model.ts";
import { alice, bob, carol, FakeClock, group, msg, ready } from "./fakes.ts";

function signedIn(clock = new FakeClock()) {
  const model = new ChatModel({ clock, maxMessagesPerGroup: 5 });
  model.applyFrame(
    ready(alice, [group("g1", { unread_count: 2 }), group("g2")]),
  );
  return { model, clock };
}

Deno.test("ready sets the user, the groups and their unread counts from the server", () => {
  const { model } = signedIn();
  assert.equal(model.me.value?.username, "alice");
  assert.deepEqual(model.groups.value.map((g) => g.id), ["g1", "g2"]);
  assert.equal(model.unreadOf("g1"), 2);
  assert.equal(model.unreadOf("g2"), 0);
});

Deno.test("a message in a group that is not open increments its unread count once", () => {
  const { model } = signedIn();
  model.applyFrame({ type: "message", group_id: "g2", message: msg("g2", 1) });
  model.applyFrame({ type: "message", group_id: "g2", message: msg("g2", 1) });
  assert.equal(model.unreadOf("g2"), 1);
  assert.deepEqual(model.timelineOf("g2").messages.map((m) => m.seq), [1]);
});

Deno.test("the reader's own messages and messages seen at the bottom are not unread", () => {
  const { model } = signedIn();
  model.applyFrame({
    type: "message",
    group_id: "g2",
    message: msg("g2", 1, { author: alice }),
  });
  model.setActive("g2");
  model.setViewing(true);
  model.applyFrame({ type: "message", group_id: "g2", message: msg("g2", 2) });
  assert.equal(model.unreadOf("g2"), 0);
  model.setViewing(false);
  model.applyFrame({ type: "message", group_id: "g2", message: msg("g2", 3) });
  assert.equal(model.unreadOf("g2"), 1);
});

Deno.test("messages are kept in seq order whatever order they arrive in", () => {
  const { model } = signedIn();
  for (const seq of [3, 1, 2]) {
    model.applyFrame({
      type: "message",
      group_id: "g1",
      message: msg("g1", seq),
    });
  }
  assert.deepEqual(model.timelineOf("g1").messages.map((m) => m.seq), [
    1,
    2,
    3,
  ]);
});

Deno.test("a busy group keeps at most the newest cap messages and says more exist", () => {
  const { model } = signedIn();
  for (let seq = 1; seq <= 8; seq++) {
    model.applyFrame({
      type: "message",
      group_id: "g1",
      message: msg("g1", seq),
    });
  }
  const t = model.timelineOf("g1");
  assert.deepEqual(t.messages.map((m) => m.seq), [4, 5, 6, 7, 8]);
  assert.equal(t.hasMore, true);
});

Deno.test("frames for groups the reader is not in change nothing", () => {
  const { model } = signedIn();
  model.applyFrame({
    type: "message",
    group_id: "nope",
    message: msg("nope", 1),
  });
  model.applyFrame({ type: "typing_start", group_id: "nope", user_id: bob.id });
  assert.equal(model.timelines.value.has("nope"), false);
  assert.equal(model.typing.state.value.size, 0);
});

Deno.test("the echo of a pending message (same nonce) removes it from the outbox", () => {
  const { model, clock } = signedIn();
  model.outbox.enqueue("g1", "hi", "n1", clock.now());
  model.applyFrame({
    type: "message",
    group_id: "g1",
    message: msg("g1", 1, { author: alice, nonce: "n1", text: "hi" }),
  });
  assert.equal(model.outbox.entries.value.size, 0);
  assert.equal(model.timelineOf("g1").messages[0].text, "hi");
});

Deno.test("an error frame carrying a nonce marks that message failed with a readable reason", () => {
  const { model, clock } = signedIn();
  model.outbox.enqueue("g1", "hi", "n1", clock.now());
  model.applyFrame({
    type: "error",
    code: "rate_limited",
    message: "slow down",
    nonce: "n1",
    retry_after_ms: 2500,
  });
  const e = model.outbox.get("n1");
  assert.equal(e?.status, "failed");
  assert.equal(e?.error, "Sending too fast. Try again in 3 s.");
  assert.equal(model.status.notice.value, null);
});

Deno.test("typing expires after 10 s unless renewed, and a message from the typist ends it", () => {
  const { model, clock } = signedIn();
  model.applyFrame({ type: "typing_start", group_id: "g1", user_id: bob.id });
  model.people.learn(bob);
  assert.deepEqual(model.typingNames("g1"), ["bob"]);
  clock.advance(6_000);
  model.applyFrame({ type: "typing_start", group_id: "g1", user_id: bob.id });
  clock.advance(6_000);
  assert.deepEqual(model.typingNames("g1"), ["bob"]);
  clock.advance(4_001);
  assert.deepEqual(model.typingNames("g1"), []);
  model.applyFrame({ type: "typing_start", group_id: "g1", user_id: bob.id });
  model.applyFrame({ type: "message", group_id: "g1", message: msg("g1", 1) });
  assert.deepEqual(model.typingNames("g1"), []);
  assert.equal(clock.pending, 0);
});

Deno.test("the reader's own typing frames are ignored", () => {
  const { model } = signedIn();
  model.applyFrame({ type: "typing_start", group_id: "g1", user_id: alice.id });
  assert.deepEqual(model.typingNames("g1"), []);
});

Deno.test("presence comes from members, subscribed and presence frames", () => {
  const { model } = signedIn();
  model.setMembers("g1", [{ ...bob, online: false }, {
    ...carol,
    online: true,
  }]);
  model.applyFrame({
    type: "subscribed",
    groups: [{ group_id: "g1", head_seq: 0, online_user_ids: [bob.id] }],
  });
  assert.equal(model.people.presence.value.get(bob.id), true);
  model.applyFrame({ type: "presence", user_id: carol.id, status: "offline" });
  assert.equal(model.people.presence.value.get(carol.id), false);
});

Deno.test("subscribed records head_seq so a reconnect resumes after it", () => {
  const { model } = signedIn();
  model.applyFrame({
    type: "subscribed",
    groups: [{ group_id: "g1", head_seq: 41, online_user_ids: [] }],
  });
  model.applyFrame({ type: "message", group_id: "g1", message: msg("g1", 42) });
  assert.deepEqual(model.lastSeqs(), { g1: 42 });
});

Deno.test("a reconnect's ready keeps local unread counts and drops groups left elsewhere", () => {
  const { model } = signedIn();
  model.applyFrame({ type: "message", group_id: "g2", message: msg("g2", 1) });
  model.applyFrame(
    ready(alice, [group("g2", { unread_count: 9 }), group("g3")]),
  );
  assert.deepEqual(model.groups.value.map((g) => g.id), ["g2", "g3"]);
  assert.equal(model.unreadOf("g2"), 1);
  assert.equal(model.unread.value.has("g1"), false);
});

Deno.test("unsubscribed (left or removed) forgets the group and closes it if open", () => {
  const { model, clock } = signedIn();
  model.setActive("g1");
  model.outbox.enqueue("g1", "x", "n1", clock.now());
  model.applyFrame({ type: "unsubscribed", group_ids: ["g1"] });
  assert.equal(model.hasGroup("g1"), false);
  assert.equal(model.activeGroupId.value, null);
  assert.equal(model.outbox.entries.value.size, 0);
});

Deno.test("read receipts of others are kept; the reader's own clears its unread count", () => {
  const { model } = signedIn();
  model.applyFrame({ type: "message", group_id: "g2", message: msg("g2", 1) });
  model.applyFrame({
    type: "read_receipt",
    group_id: "g2",
    user_id: bob.id,
    seq: 1,
  });
  model.applyFrame({
    type: "read_receipt",
    group_id: "g2",
    user_id: bob.id,
    seq: 0,
  });
  assert.equal(model.reads.value.get("g2")?.get(bob.id), 1);
  model.applyFrame({
    type: "read_receipt",
    group_id: "g2",
    user_id: alice.id,
    seq: 1,
  });
  assert.equal(model.unreadOf("g2"), 0);
});

Deno.test("a history page merges with live messages and settles pending ones it holds", () => {
  const { model, clock } = signedIn();
  model.applyFrame({ type: "message", group_id: "g1", message: msg("g1", 3) });
  model.outbox.enqueue("g1", "mine", "n2", clock.now());
  const page = [msg("g1", 1), msg("g1", 2, { author: alice, nonce: "n2" })];
  model.mergeHistory("g1", page, false);
  const t = model.timelineOf("g1");
  assert.deepEqual(t.messages.map((m) => m.seq), [1, 2, 3]);
  assert.equal(t.loaded, true);
  assert.equal(t.hasMore, false);
  assert.equal(model.outbox.get("n2"), undefined);
});

Deno.test("resync drops the group's messages so they load again", () => {
  const { model } = signedIn();
  model.mergeHistory("g1", [msg("g1", 1)], false);
  model.applyFrame({ type: "resync", group_id: "g1" });
  assert.equal(model.timelineOf("g1").loaded, false);
  assert.equal(model.timelineOf("g1").messages.length, 0);
});

Deno.test("an error without a nonce becomes a notice; a refused group is removed", () => {
  const { model } = signedIn();
  model.applyFrame({
    type: "error",
    code: "forbidden",
    message: "not a member",
    group_id: "g2",
  });
  assert.equal(model.hasGroup("g2"), false);
  model.applyFrame({
    type: "error",
    code: "bad_request",
    message: "Unknown frame type: x",
  });
  assert.deepEqual(model.status.notice.value, {
    text: "Unknown frame type: x",
    level: "warning",
  });
  model.applyFrame({
    type: "server_notice",
    text: "Restarting soon",
    level: "info",
  });
  assert.deepEqual(model.status.notice.value, {
    text: "Restarting soon",
    level: "info",
  });
});

Deno.test("a reconnect clears the notice left from before the drop", () => {
  const { model } = signedIn();
  model.applyFrame({
    type: "server_notice",
    text: "The server is restarting",
    level: "warning",
  });
  model.applyFrame(ready(alice, [group("g1"), group("g2")]));
  assert.equal(model.status.notice.value, null);
});

Deno.test("subscribed marks known members missing from online_user_ids offline", () => {
  const { model } = signedIn();
  model.setMembers("g1", [
    { ...alice, online: true },
    { ...bob, online: true },
    { ...carol, online: false },
  ]);
  // Bob left while this tab was disconnected; Carol came.
  model.applyFrame({
    type: "subscribed",
    groups: [{
      group_id: "g1",
      head_seq: 0,
      online_user_ids: [alice.id, carol.id],
    }],
  });
  const presence = model.people.presence.value;
  assert.equal(presence.get(bob.id), false);
  assert.equal(presence.get(carol.id), true);
  assert.equal(presence.get(alice.id), true);
});

Deno.test("member_joined and member_left keep a loaded member list current", () => {
  const { model } = signedIn();
  model.setMembers("g1", [{ ...alice, online: true }]);
  model.applyFrame({
    type: "member_joined",
    group_id: "g1",
    user: bob,
    online: true,
  });
  model.applyFrame({
    type: "member_joined",
    group_id: "g1",
    user: bob,
    online: true,
  });
  assert.deepEqual(model.members.value.get("g1")?.map((m) => m.id), [
    alice.id,
    bob.id,
  ]);
  assert.equal(model.people.presence.value.get(bob.id), true);
  model.applyFrame({ type: "member_left", group_id: "g1", user_id: bob.id });
  assert.deepEqual(model.members.value.get("g1")?.map((m) => m.id), [alice.id]);
  model.applyFrame({
    type: "member_joined",
    group_id: "g2",
    user: carol,
    online: false,
  });
  assert.equal(
    model.members.value.get("g2"),
    undefined,
    "an unloaded list is loaded later, whole",
  );
});
