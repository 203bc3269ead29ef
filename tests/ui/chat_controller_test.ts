import assert from "node:assert/strict";
import { ApiError } from "../../lib/ui/api_client.ts";
import { ChatController } from "../../lib/ui/chat_controller.ts";
import { ChatModel } from "../../lib/ui/chat_model.ts";
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

function setup() {
  const clock = new FakeClock();
  const model = new ChatModel({ clock });
  model.applyFrame(ready(alice, [group("g1"), group("g2")]));
  model.status.setConnection("connected");
  const api = new FakeApi();
  const gateway = new FakeGateway();
  let n = 0;
  const controller = new ChatController({
    model,
    api,
    gateway,
    clock,
    newNonce: () => `nonce-${++n}`,
  });
  controller.start();
  return { clock, model, api, gateway, controller };
}

Deno.test("opening a group loads its newest page and members once", async () => {
  const { controller, api, model } = setup();
  await controller.openGroup("g1");
  await controller.openGroup("g2");
  await controller.openGroup("g1");
  assert.deepEqual(api.calls.filter((c) => c.startsWith("messages")), [
    "messages g1 newest",
    "messages g2 newest",
  ]);
  const t = model.timelineOf("g1");
  assert.equal(t.messages.length, 50);
  assert.equal(t.messages[0].seq, 71);
  assert.equal(t.hasMore, true);
});

Deno.test("scrolling up loads the page before the oldest message until the first", async () => {
  const { controller, api, model } = setup();
  await controller.openGroup("g1");
  await controller.loadOlder("g1");
  await controller.loadOlder("g1");
  await controller.loadOlder("g1");
  assert.deepEqual(api.calls.filter((c) => c.startsWith("messages")), [
    "messages g1 newest",
    "messages g1 71",
    "messages g1 21",
  ]);
  const t = model.timelineOf("g1");
  assert.equal(t.messages.length, 120);
  assert.equal(t.hasMore, false);
});

Deno.test("a failed history load shows a readable error on the timeline", async () => {
  const { controller, api, model } = setup();
  api.failNext = new ApiError(
    503,
    "unavailable",
    "The server is busy. Try again in a moment.",
  );
  await controller.openGroup("g1");
  assert.equal(
    model.timelineOf("g1").error,
    "The server is busy. Try again in a moment.",
  );
});

Deno.test("resync reloads the open group's history over HTTP", async () => {
  const { controller, api } = setup();
  await controller.openGroup("g1");
  await controller.resync("g1");
  await controller.resync("g2");
  assert.deepEqual(api.calls.filter((c) => c.startsWith("messages")), [
    "messages g1 newest",
    "messages g1 newest",
  ]);
});

Deno.test("send() queues the text as pending and hands its nonce to the socket", async () => {
  const { controller, gateway, model } = setup();
  await controller.openGroup("g1");
  assert.deepEqual(controller.send("  hi there \n"), { ok: true });
  assert.deepEqual(gateway.messages, ["nonce-1"]);
  const e = model.outbox.get("nonce-1");
  assert.equal(e?.text, "hi there");
  assert.equal(e?.status, "pending");
});

Deno.test("send() refuses empty and too long text without queueing", async () => {
  const { controller, model } = setup();
  assert.equal(controller.send("hi").ok, false);
  await controller.openGroup("g1");
  assert.deepEqual(controller.send("   "), {
    ok: false,
    error: "Type a message first.",
  });
  assert.equal(controller.send("x".repeat(4001)).ok, false);
  assert.equal(model.outbox.entries.value.size, 0);
});

Deno.test("retry() puts a failed message back to pending with the same nonce", async () => {
  const { controller, gateway, model } = setup();
  await controller.openGroup("g1");
  controller.send("hi");
  model.outbox.markFailed("nonce-1", "Not sent: no connection.");
  controller.retry("nonce-1");
  assert.deepEqual(gateway.messages, ["nonce-1", "nonce-1"]);
  assert.equal(model.outbox.get("nonce-1")?.status, "pending");
});

Deno.test("typing_start goes out at most every 3 s; sending stops typing", async () => {
  const { controller, gateway, clock } = setup();
  await controller.openGroup("g1");
  controller.noteTyping();
  clock.advance(1_000);
  controller.noteTyping();
  clock.advance(2_000);
  controller.noteTyping();
  assert.equal(gateway.of("typing_start").length, 2);
  controller.send("done");
  assert.deepEqual(gateway.of("typing_stop"), [{
    type: "typing_stop",
    group_id: "g1",
  }]);
  controller.stopTyping();
  assert.equal(gateway.of("typing_stop").length, 1);
});

Deno.test("read is sent only while the reader sees the bottom of the open group", async () => {
  const { controller, gateway, model } = setup();
  await controller.openGroup("g1");
  assert.equal(gateway.of("read").length, 0);
  controller.setViewing(true);
  assert.deepEqual(gateway.of("read"), [{
    type: "read",
    group_id: "g1",
    seq: 120,
  }]);
  model.applyFrame({
    type: "message",
    group_id: "g1",
    message: msg("g1", 121),
  });
  assert.deepEqual(gateway.of("read").at(-1), {
    type: "read",
    group_id: "g1",
    seq: 121,
  });
  controller.setViewing(false);
  model.applyFrame({
    type: "message",
    group_id: "g1",
    message: msg("g1", 122),
  });
  assert.equal(gateway.of("read").length, 2);
  assert.equal(model.unreadOf("g1"), 1);
  controller.setViewing(true);
  assert.equal(gateway.of("read").length, 3);
  assert.equal(model.unreadOf("g1"), 0);
});

Deno.test("no read is sent while disconnected; it goes out once connected", async () => {
  const { controller, gateway, model } = setup();
  await controller.openGroup("g1");
  model.status.setConnection("reconnecting", 1);
  gateway.ready = false;
  controller.setViewing(true);
  assert.equal(gateway.of("read").length, 0);
  gateway.ready = true;
  model.status.setConnection("connected");
  assert.equal(gateway.of("read").length, 1);
});

Deno.test("creating and joining a group subscribes to it and opens it", async () => {
  const { controller, gateway, model, api } = setup();
  await controller.createGroup("Book club", true);
  await controller.joinGroup("g9", "code-1");
  assert.deepEqual(gateway.subscribed, [["new"], ["g9"]]);
  assert.ok(model.hasGroup("new") && model.hasGroup("g9"));
  assert.equal(model.activeGroupId.value, "g9");
  assert.ok(api.calls.includes("join g9 code-1"));
});

Deno.test("leaving a group removes it", async () => {
  const { controller, model } = setup();
  await controller.openGroup("g1");
  await controller.leaveGroup("g1");
  assert.equal(model.hasGroup("g1"), false);
  assert.equal(model.activeGroupId.value, null);
});

Deno.test("a stranger in the open group reloads its member list, at most every 5 s", async () => {
  const { controller, model, api, clock } = setup();
  await controller.openGroup("g1");
  const stranger = { id: "u-dave", username: "dave" };
  const frame = {
    type: "message" as const,
    group_id: "g1",
    message: msg("g1", 121, { author: stranger }),
  };
  controller.noteFrame({
    type: "typing_start",
    group_id: "g1",
    user_id: bob.id,
  });
  controller.noteFrame(frame);
  controller.noteFrame(frame);
  clock.advance(5_000);
  controller.noteFrame({
    type: "read_receipt",
    group_id: "g1",
    user_id: "u-erin",
    seq: 3,
  });
  controller.noteFrame({
    type: "typing_start",
    group_id: "g2",
    user_id: "u-frank",
  });
  assert.equal(api.calls.filter((c) => c === "members g1").length, 3);
  assert.equal(model.members.value.get("g1")?.length, 1);
});
