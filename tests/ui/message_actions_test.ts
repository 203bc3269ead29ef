import assert from "node:assert/strict";
import { ChatController } from "../../lib/ui/chat_controller.ts";
import { ChatModel } from "../../lib/ui/chat_model.ts";
import { MessageActions } from "../../lib/ui/message_actions.ts";
import { builtInEmojis } from "../../lib/ui/recent_emojis.ts";
import {
  alice,
  bob,
  FakeApi,
  FakeClock,
  FakeGateway,
  group,
  msg,
  ready,
} from "./fakes.ts";

/** A Storage double backed by a Map. */
function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

function setup(groups = [group("g1"), group("g2", { owner_id: bob.id })]) {
  const clock = new FakeClock();
  const model = new ChatModel({ clock });
  model.applyFrame(ready(alice, groups));
  model.status.setConnection("connected");
  const api = new FakeApi();
  const gateway = new FakeGateway();
  const storage = memoryStorage();
  let n = 0;
  const controller = new ChatController({
    model,
    api,
    gateway,
    clock,
    newNonce: () => `nonce-${++n}`,
  });
  const actions = new MessageActions({ model, api, gateway, storage });
  return { model, api, gateway, controller, actions, storage };
}

const deliver = (model: ChatModel, ...messages: ReturnType<typeof msg>[]) => {
  for (const m of messages) {
    model.applyFrame({
      type: "message",
      group_id: m.group_id,
      rev: m.rev,
      message: m,
    });
  }
};

Deno.test("a reply is sent with reply_to and the reply state ends with the send", () => {
  const { model, gateway, controller, actions } = setup();
  model.setActive("g1");
  deliver(model, msg("g1", 3, { rev: 3 }));
  actions.startReply(3);
  assert.equal(model.composing.replyIn("g1"), 3);
  assert.deepEqual(controller.send("Agreed"), { ok: true });
  assert.equal(model.outbox.get("nonce-1")?.reply_to, 3);
  assert.equal(model.composing.replyTo.value, null);
  assert.deepEqual(gateway.messages, ["nonce-1"]);
});

Deno.test("edit, delete and react go out as frames with a ref, and nothing changes before the echo", async () => {
  const { model, gateway, actions } = setup();
  model.setActive("g1");
  deliver(model, msg("g1", 1, { author: alice, rev: 1 }));
  assert.equal(actions.startEdit(1), true);
  assert.deepEqual(actions.saveEdit("  fixed  "), { ok: true });
  assert.equal(model.composing.editing.value, null);
  await actions.toggleReaction(1, "👍");
  await actions.remove(1);
  const frames = gateway.frames.map(({ ref, ...f }) => {
    assert.match(String(ref), /^act-\d+$/);
    return f;
  });
  assert.deepEqual(frames, [
    { type: "edit", group_id: "g1", seq: 1, text: "fixed" },
    { type: "react", group_id: "g1", seq: 1, emoji: "👍" },
    { type: "delete", group_id: "g1", seq: 1 },
  ]);
  assert.equal(model.timelineOf("g1").messages[0].text, "message 1");
});

Deno.test("clicking a reaction the reader already gave removes it", async () => {
  const { model, gateway, actions } = setup();
  model.setActive("g1");
  deliver(model, msg("g1", 1, { rev: 1, reactions: { "🎉": [alice.id] } }));
  await actions.toggleReaction(1, "🎉");
  await actions.react(1, "🎉");
  assert.deepEqual(gateway.frames.map((f) => f.type), ["unreact"]);
});

Deno.test("an emoji beyond 20 distinct ones on a message is refused with a sentence, sending nothing", async () => {
  const { model, gateway, actions } = setup();
  model.setActive("g1");
  const reactions = Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`e${i}`, [bob.id]]),
  );
  deliver(model, msg("g1", 1, { rev: 1, reactions }));
  await actions.toggleReaction(1, "👍");
  assert.equal(gateway.frames.length, 0);
  assert.match(model.status.notice.value?.text ?? "", /at most 20/);
  await actions.toggleReaction(1, "e3");
  assert.deepEqual(gateway.frames.map((f) => f.type), ["react"]);
});

Deno.test("without a ready socket changes go over HTTP and the answer is applied at once", async () => {
  const { model, api, gateway, actions } = setup();
  gateway.ready = false;
  model.setActive("g1");
  deliver(model, msg("g1", 1, { author: alice, rev: 1 }));
  actions.startEdit(1);
  actions.saveEdit("over http");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(api.changes, ["edit g1 1 over http"]);
  assert.equal(model.timelineOf("g1").messages[0].text, "over http");
  await actions.remove(1);
  assert.equal(model.timelineOf("g1").messages[0].deleted, true);
});

Deno.test("only one's own messages can be edited; the owner may delete anyone's", () => {
  const { actions } = setup();
  const mine = msg("g2", 1, { author: alice });
  const theirs = msg("g2", 2, { author: bob });
  assert.equal(actions.canEdit(mine), true);
  assert.equal(actions.canEdit(theirs), false);
  assert.equal(actions.canDelete(mine), true);
  assert.equal(actions.canDelete(theirs), false, "alice does not own g2");
  assert.equal(actions.canDelete(msg("g1", 2, { author: bob })), true);
  assert.equal(
    actions.canDelete(msg("g1", 3, { author: alice, deleted: true })),
    false,
  );
});

Deno.test("Up in an empty composer edits the reader's newest message that is not deleted", () => {
  const { model, actions } = setup();
  model.setActive("g1");
  deliver(
    model,
    msg("g1", 1, { author: alice, rev: 1 }),
    msg("g1", 2, { author: alice, rev: 2, deleted: true, text: "" }),
    msg("g1", 3, { author: bob, rev: 3 }),
  );
  assert.equal(actions.editLast(), true);
  assert.deepEqual(model.composing.editing.value, { groupId: "g1", seq: 1 });
  assert.equal(actions.startEdit(3), false, "not bob's message");
});

Deno.test("an edit that empties the text is refused, and an unchanged one sends nothing", () => {
  const { model, gateway, actions } = setup();
  model.setActive("g1");
  deliver(model, msg("g1", 1, { author: alice, rev: 1 }));
  actions.startEdit(1);
  assert.equal(actions.saveEdit("   ").ok, false);
  assert.deepEqual(model.composing.editing.value, { groupId: "g1", seq: 1 });
  assert.deepEqual(actions.saveEdit("message 1"), { ok: true });
  assert.equal(gateway.frames.length, 0);
});

Deno.test("the emoji picker lists recently used emojis first, kept in storage", async () => {
  const { model, actions, storage } = setup();
  model.setActive("g1");
  deliver(model, msg("g1", 1, { rev: 1 }));
  assert.deepEqual(actions.emojis(), { emojis: [...builtInEmojis], recent: 0 });
  await actions.react(1, "🚀");
  const { emojis, recent } = actions.emojis();
  assert.equal(emojis[0], "🚀");
  assert.equal(recent, 1);
  assert.equal(emojis.filter((e) => e === "🚀").length, 1);
  storage.setItem("salvioris.recent-emojis", "{not json");
  assert.deepEqual(actions.emojis().emojis, [...builtInEmojis]);
});

Deno.test("jumping to a reply's original loads the page around it and detaches from the live end", async () => {
  const { model, api, controller } = setup();
  await controller.openGroup("g1");
  assert.equal(model.timelineOf("g1").messages[0].seq, 71);
  await controller.history.jumpTo("g1", 10);
  const t = model.timelineOf("g1");
  assert.ok(api.calls.includes("messages g1 around 10"));
  assert.equal(t.messages[0].seq, 1);
  assert.equal(t.hasNewer, true);
  assert.deepEqual(model.composing.focus.value, {
    groupId: "g1",
    seq: 10,
    n: 1,
  });
  // Scrolling down loads pages after it until the live end is reached again.
  await controller.history.loadNewer("g1");
  await controller.history.loadNewer("g1");
  const back = model.timelineOf("g1");
  assert.equal(back.messages[back.messages.length - 1].seq, 120);
  assert.equal(back.hasNewer, false);
  assert.equal(back.messages.length, 120);
});

Deno.test("jumping to a held message loads nothing and only brings it into view", async () => {
  const { model, api, controller } = setup();
  await controller.openGroup("g1");
  const calls = api.calls.length;
  await controller.history.jumpTo("g1", 100);
  assert.equal(api.calls.length, calls);
  assert.equal(model.composing.focus.value?.seq, 100);
});

Deno.test("a quoted message that is not held is fetched once and kept", async () => {
  const { model, api, controller } = setup();
  await controller.history.ensureQuote("g1", 5);
  await controller.history.ensureQuote("g1", 5);
  await controller.history.ensureQuote("g1", 500);
  await controller.history.ensureQuote("g1", 500);
  assert.equal(model.messageOf("g1", 5)?.text, "message 5");
  assert.deepEqual(api.calls.filter((c) => c.startsWith("message ")), [
    "message g1 5",
    "message g1 500",
  ]);
});

Deno.test("a detached window stays detached until a page reaches a message that arrived live meanwhile", async () => {
  const { model, api, controller } = setup();
  await controller.openGroup("g1");
  await controller.history.jumpTo("g1", 10);
  api.head = 121;
  model.applyFrame({
    type: "message",
    group_id: "g1",
    rev: 500,
    message: msg("g1", 121, { rev: 500 }),
  });
  api.head = 120; // the server answered before 121 was stored
  await controller.history.loadNewer("g1");
  await controller.history.loadNewer("g1");
  assert.equal(model.timelineOf("g1").hasNewer, true);
  api.head = 121;
  await controller.history.loadNewer("g1");
  const t = model.timelineOf("g1");
  assert.equal(t.hasNewer, false);
  assert.equal(t.messages[t.messages.length - 1].seq, 121);
});
