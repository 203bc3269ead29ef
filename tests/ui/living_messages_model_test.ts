import assert from "node:assert/strict";
import { ChatModel } from "../../lib/ui/chat_model.ts";
import type { Message } from "../../lib/protocol/types.ts";
import { alice, bob, FakeClock, group, msg, ready } from "./fakes.ts";

function signedIn(groups = [group("g1"), group("g2")]) {
  const model = new ChatModel({ clock: new FakeClock() });
  model.applyFrame(ready(alice, groups));
  return model;
}

const live = (model: ChatModel, m: Message, rev = m.rev) =>
  model.applyFrame({ type: "message", group_id: m.group_id, rev, message: m });
const update = (model: ChatModel, m: Message, rev = m.rev ?? 0) =>
  model.applyFrame({
    type: "message_update",
    group_id: m.group_id,
    rev,
    message: m,
  });

Deno.test("message_update replaces a held message in place, only with a higher message.rev", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1 }));
  live(model, msg("g1", 2, { rev: 2 }));
  const before = model.timelineOf("g1");
  update(model, msg("g1", 1, { rev: 4, text: "edited", edited_at: "x" }));
  update(model, msg("g1", 1, { rev: 3, text: "stale" }));
  const t = model.timelineOf("g1");
  assert.deepEqual(t.messages.map((m) => m.text), ["edited", "message 2"]);
  assert.equal(t.messages[1], before.messages[1], "the other message is kept");
  const unchanged = model.timelineOf("g1");
  update(model, msg("g1", 1, { rev: 4, text: "same rev" }));
  assert.equal(
    model.timelineOf("g1"),
    unchanged,
    "an equal rev changes nothing",
  );
});

Deno.test("a replayed message frame never overwrites a later state already held", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1 }));
  update(model, msg("g1", 1, { rev: 5, deleted: true, text: "" }));
  live(model, msg("g1", 1, { rev: 1 }), 1);
  assert.equal(model.timelineOf("g1").messages[0].deleted, true);
});

Deno.test("the highest event rev per group is kept from frames and head_rev, for since_rev", () => {
  const model = signedIn();
  model.applyFrame({
    type: "subscribed",
    groups: [
      { group_id: "g1", head_seq: 3, head_rev: 7, online_user_ids: [] },
      { group_id: "g2", head_seq: 0, online_user_ids: [] },
    ],
  });
  live(model, msg("g1", 4, { rev: 8 }), 8);
  update(model, msg("g1", 2, { rev: 9 }), 9);
  // A state newer than its event (message.rev 12 > rev 10) does not move the resume point.
  update(model, msg("g1", 3, { rev: 12 }), 10);
  assert.deepEqual(model.lastRevs(), { g1: 10 });
  assert.deepEqual(model.lastSeqs(), { g1: 4, g2: 0 });
});

Deno.test("ready's mention_count is kept apart from the unread count", () => {
  const model = signedIn([group("g1", { unread_count: 3, mention_count: 1 })]);
  assert.equal(model.unreadOf("g1"), 3);
  assert.equal(model.mentionsOf("g1"), 1);
});

Deno.test("a new message mentioning the reader counts as unread and as a mention", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1, mentions: [alice.id] }));
  live(model, msg("g1", 2, { rev: 2, mentions: [bob.id] }));
  live(model, msg("g1", 3, { rev: 3, author: alice, mentions: [alice.id] }));
  assert.equal(model.unreadOf("g1"), 2);
  assert.equal(model.mentionsOf("g1"), 1);
});

Deno.test("in a direct conversation every unread message counts as a mention", () => {
  const model = signedIn([group("dm", { kind: "dm" })]);
  live(model, msg("dm", 1, { rev: 1 }));
  live(model, msg("dm", 2, { rev: 2 }));
  assert.equal(model.mentionsOf("dm"), 2);
});

Deno.test("deleting an unread message lowers the unread and mention counts exactly once", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1, mentions: [alice.id] }));
  live(model, msg("g1", 2, { rev: 2 }));
  const tombstone = msg("g1", 1, { rev: 3, deleted: true, text: "" });
  update(model, tombstone);
  update(model, tombstone);
  assert.equal(model.unreadOf("g1"), 1);
  assert.equal(model.mentionsOf("g1"), 0);
  assert.equal(model.timelineOf("g1").messages[0].deleted, true);
});

Deno.test("an unread message deleted before its replay arrives is never counted", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 4, deleted: true, text: "" }), 1);
  update(model, msg("g1", 1, { rev: 4, deleted: true, text: "" }), 4);
  assert.equal(model.unreadOf("g1"), 0);
});

Deno.test("deleting an unread message the tab never held lowers the count from ready", () => {
  const model = signedIn([
    group("g1", { unread_count: 2, mention_count: 2, last_read_seq: 3 }),
  ]);
  model.applyFrame({
    type: "subscribed",
    groups: [{ group_id: "g1", head_seq: 5, head_rev: 5, online_user_ids: [] }],
  });
  update(model, msg("g1", 4, { rev: 6, deleted: true, text: "" }));
  assert.equal(model.unreadOf("g1"), 1);
  assert.equal(model.mentionsOf("g1"), 1, "mentions stay within unread");
  update(model, msg("g1", 2, { rev: 7, deleted: true, text: "" }));
  assert.equal(model.unreadOf("g1"), 1, "a read message changes nothing");
});

Deno.test("an edit that adds or removes a mention of the reader moves the mention count", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1 }));
  update(model, msg("g1", 1, { rev: 2, mentions: [alice.id] }));
  assert.deepEqual([model.unreadOf("g1"), model.mentionsOf("g1")], [1, 1]);
  update(model, msg("g1", 1, { rev: 3 }));
  assert.deepEqual([model.unreadOf("g1"), model.mentionsOf("g1")], [1, 0]);
});

Deno.test("reading the group clears both counts", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1, mentions: [alice.id] }));
  model.markRead("g1", 1);
  assert.deepEqual([model.unreadOf("g1"), model.mentionsOf("g1")], [0, 0]);
});

Deno.test("an update keeps a fetched quote current, and a state answered over HTTP applies too", () => {
  const model = signedIn();
  model.putQuoted(msg("g1", 1, { rev: 1, text: "original" }));
  update(model, msg("g1", 1, { rev: 2, text: "edited" }));
  assert.equal(model.messageOf("g1", 1)?.text, "edited");
  live(model, msg("g1", 5, { rev: 3 }));
  model.applyMessageState(
    msg("g1", 5, { rev: 4, reactions: { "👍": [alice.id] } }),
  );
  assert.deepEqual(model.messageOf("g1", 5)?.reactions, { "👍": [alice.id] });
});

Deno.test("an error answering an edit is a notice and never removes the group", () => {
  const model = signedIn();
  model.applyFrame({
    type: "error",
    code: "not_found",
    message: "That message does not exist.",
    ref: "act-1",
    group_id: "g1",
  });
  assert.equal(model.hasGroup("g1"), true);
  assert.deepEqual(model.status.notice.value, {
    text: "That message does not exist.",
    level: "warning",
  });
});

Deno.test("a message_update for a group the reader is not in, or naming another group, is ignored", () => {
  const model = signedIn();
  live(model, msg("g1", 1, { rev: 1 }));
  update(model, msg("nope", 1, { rev: 2 }));
  model.applyFrame({
    type: "message_update",
    group_id: "g1",
    rev: 3,
    message: msg("g2", 1, { rev: 3, text: "wrong group" }),
  });
  assert.equal(model.timelineOf("g1").messages[0].text, "message 1");
  assert.equal(model.timelines.value.has("nope"), false);
});
