import assert from "node:assert/strict";
import { ChatModel } from "../../lib/ui/chat_model.ts";
import {
  SocketClient,
  type SocketClientOptions,
} from "../../lib/ui/socket_client.ts";
import { alice, FakeClock, fakeSockets, group, msg, ready } from "./fakes.ts";

const hello = {
  type: "hello",
  heartbeat_interval_ms: 20_000,
  protocol: 1,
} as const;

function setup(extra: Partial<SocketClientOptions> = {}) {
  const clock = new FakeClock();
  const model = new ChatModel({ clock });
  const { factory, sockets } = fakeSockets();
  const events: string[] = [];
  const client = new SocketClient({
    url: "ws://chat.test/gateway",
    model,
    clock,
    createSocket: factory,
    random: () => 0.5,
    onUnauthorized: () => events.push("unauthorized"),
    onResync: (id) => events.push(`resync:${id}`),
    ...extra,
  });
  client.start();
  const connect = (groups = [group("g1"), group("g2")]) => {
    const s = sockets[sockets.length - 1];
    s.receive(hello);
    s.receive(ready(alice, groups));
    return s;
  };
  return { clock, model, sockets, client, events, connect };
}

Deno.test("start() opens one socket and, after a cookie ready, subscribes to every group", () => {
  const { sockets, model, connect } = setup();
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, "ws://chat.test/gateway");
  assert.equal(model.status.connection.value.status, "connecting");
  const s = connect();
  assert.equal(s.sentOf("identify").length, 0);
  assert.deepEqual(s.sentOf("subscribe"), [{
    type: "subscribe",
    group_ids: ["g1", "g2"],
  }]);
  assert.equal(model.status.connection.value.status, "connected");
});

Deno.test("with a token the client identifies right after hello", () => {
  const { sockets } = setup({ token: "tok" });
  sockets[0].receive(hello);
  assert.deepEqual(sockets[0].sent, [{ type: "identify", token: "tok" }]);
});

Deno.test("it pings every heartbeat_interval_ms from hello", () => {
  const { clock, connect } = setup();
  const s = connect();
  clock.advance(19_999);
  assert.equal(s.sentOf("ping").length, 0);
  clock.advance(1);
  s.receive({ type: "pong" });
  clock.advance(40_000);
  s.receive({ type: "pong" });
  assert.equal(s.sentOf("ping").length, 3);
});

Deno.test("silence from the server for two heartbeats drops the socket and reconnects", () => {
  const { clock, sockets, model, connect } = setup();
  const s = connect();
  clock.advance(2 * 20_000 + 5_000);
  assert.deepEqual(s.closed?.code, 4000);
  assert.equal(model.status.connection.value.status, "reconnecting");
  clock.advance(375); // first retry: ceiling 500 ms, jitter 0.5 → 375 ms
  assert.equal(sockets.length, 2);
});

Deno.test("reconnect delays grow exponentially with jitter and are capped", () => {
  const { clock, sockets } = setup();
  const waits: number[] = [];
  for (let i = 0; i < 10; i++) {
    const before = sockets.length;
    sockets[before - 1].serverClose(1006);
    let waited = 0;
    while (sockets.length === before) {
      clock.advance(1);
      waited++;
    }
    waits.push(waited);
  }
  assert.deepEqual(waits.slice(0, 5), [375, 750, 1500, 3000, 6000]);
  assert.equal(Math.max(...waits), 22_500); // 30 s cap, jitter 0.5 → three quarters
});

Deno.test("after a reconnect one subscribe carries since = last seq seen per group", () => {
  const { model, clock, connect } = setup();
  const s1 = connect();
  s1.receive({
    type: "subscribed",
    groups: [
      { group_id: "g1", head_seq: 4, online_user_ids: [] },
      { group_id: "g2", head_seq: 0, online_user_ids: [] },
    ],
  });
  s1.receive({ type: "message", group_id: "g1", message: msg("g1", 5) });
  s1.serverClose(1001);
  clock.advance(1_000);
  const s2 = connect();
  assert.deepEqual(s2.sentOf("subscribe"), [
    { type: "subscribe", group_ids: ["g1", "g2"], since: { g1: 5, g2: 0 } },
  ]);
  // The replay arrives in order and shows exactly what was missed.
  s2.receive({ type: "message", group_id: "g1", message: msg("g1", 6) });
  s2.receive({ type: "message", group_id: "g1", message: msg("g1", 7) });
  assert.deepEqual(model.timelineOf("g1").messages.map((m) => m.seq), [
    5,
    6,
    7,
  ]);
  assert.equal(model.unreadOf("g1"), 3);
});

Deno.test("unechoed messages are resent with the same nonce after ready, after subscribe", () => {
  const { sockets, model, clock, client, connect } = setup();
  const s1 = connect();
  model.outbox.enqueue("g1", "hello", "n-1", clock.now());
  client.sendMessage("n-1");
  assert.deepEqual(s1.sentOf("message"), [
    { type: "message", group_id: "g1", text: "hello", nonce: "n-1" },
  ]);
  s1.serverClose(1006);
  clock.advance(1_000);
  const s2 = connect();
  assert.deepEqual(s2.sent.map((f) => f.type), ["subscribe", "message"]);
  assert.equal(s2.sentOf("message")[0].nonce, "n-1");
  s2.receive({
    type: "message",
    group_id: "g1",
    message: msg("g1", 1, { author: alice, nonce: "n-1", text: "hello" }),
  });
  assert.equal(model.outbox.entries.value.size, 0);
  assert.equal(sockets.length, 2);
});

Deno.test("a message with no echo fails after the timeout while disconnected", () => {
  const { model, clock, client, sockets } = setup();
  model.outbox.enqueue("g1", "hello", "n-1", clock.now());
  client.sendMessage("n-1");
  assert.equal(sockets[0].sent.length, 0);
  clock.advance(9_999);
  assert.equal(model.outbox.get("n-1")?.status, "pending");
  clock.advance(1);
  assert.equal(model.outbox.get("n-1")?.status, "failed");
  assert.equal(model.outbox.get("n-1")?.error, "Not sent: no connection.");
});

Deno.test("a pending message is not failed while the socket is connected", () => {
  const { model, clock, client, connect } = setup();
  connect();
  model.outbox.enqueue("g1", "hello", "n-1", clock.now());
  client.sendMessage("n-1");
  clock.advance(15_000);
  assert.equal(model.outbox.get("n-1")?.status, "pending");
});

Deno.test("close code 4001 goes to login and never reconnects", () => {
  const { sockets, clock, events, model, connect } = setup();
  connect().serverClose(4001);
  clock.advance(120_000);
  assert.deepEqual(events, ["unauthorized"]);
  assert.equal(model.status.connection.value.status, "unauthorized");
  assert.equal(sockets.length, 1);
});

Deno.test("close code 4008 waits at least ten seconds before reconnecting", () => {
  const { sockets, clock, connect } = setup();
  connect().serverClose(4008);
  clock.advance(9_999);
  assert.equal(sockets.length, 1);
  clock.advance(1);
  assert.equal(sockets.length, 2);
});

Deno.test("resync is passed on so the group's history is loaded over HTTP", () => {
  const { events, model, connect } = setup();
  const s = connect();
  model.mergeHistory("g1", [msg("g1", 1)], false);
  s.receive({ type: "resync", group_id: "g1" });
  assert.deepEqual(events, ["resync:g1"]);
  assert.equal(model.timelineOf("g1").loaded, false);
});

Deno.test("offline pauses reconnecting; online reconnects at once", () => {
  const { sockets, clock, client, model, connect } = setup();
  connect();
  client.setNetworkOnline(false);
  sockets[0].serverClose(1006);
  assert.equal(model.status.connection.value.status, "offline");
  clock.advance(120_000);
  assert.equal(sockets.length, 1);
  client.setNetworkOnline(true);
  assert.equal(sockets.length, 2);
});

Deno.test("frames that are not JSON or lack fields are ignored", () => {
  const { sockets, model, connect } = setup();
  const s = connect();
  s.handlers.message("not json");
  s.receive({ type: "message", group_id: "g1" });
  s.receive({ type: "whatever" });
  s.receive({
    type: "message",
    group_id: "g1",
    message: { ...msg("g1", 1), seq: "1" },
  });
  assert.equal(model.timelineOf("g1").messages.length, 0);
  assert.equal(model.status.connection.value.status, "connected");
  assert.equal(sockets.length, 1);
});

Deno.test("stop() closes the socket and leaves no timer running", () => {
  const { clock, client, connect } = setup();
  const s = connect();
  client.stop();
  assert.equal(s.closed?.code, 1000);
  assert.equal(clock.pending, 0);
});

Deno.test("nothing is sent before ready, and typing frames are dropped while disconnected", () => {
  const { sockets, client } = setup();
  sockets[0].receive(hello);
  assert.equal(client.send({ type: "typing_start", group_id: "g1" }), false);
  assert.deepEqual(sockets[0].sent, []);
});

Deno.test("failed reconnect attempts do not postpone a message's failure", () => {
  const { model, clock, client, sockets, connect } = setup();
  connect().serverClose(1006);
  model.outbox.enqueue("g1", "hello", "n-1", clock.now());
  client.sendMessage("n-1");
  for (let t = 0; t < 10_000; t += 100) {
    clock.advance(100);
    const last = sockets[sockets.length - 1];
    if (!last.closed) last.serverClose(1006);
  }
  assert.equal(model.outbox.get("n-1")?.status, "failed");
});

Deno.test("an unauthorized error before ready, with only a cookie, goes to login at once", () => {
  const { sockets, clock, events, model } = setup();
  sockets[0].receive(hello);
  sockets[0].receive({
    type: "error",
    code: "unauthorized",
    message: "The session cookie is invalid or expired",
  });
  assert.deepEqual(events, ["unauthorized"]);
  assert.equal(model.status.connection.value.status, "unauthorized");
  clock.advance(60_000);
  assert.equal(sockets.length, 1, "no reconnect");
});

Deno.test("an unauthorized error before ready is left to identify when a token is set", () => {
  const { sockets, events } = setup({ token: "tok" });
  sockets[0].receive(hello);
  sockets[0].receive({
    type: "error",
    code: "unauthorized",
    message: "stale cookie",
  });
  assert.deepEqual(events, []);
});

Deno.test("after a reconnect subscribe carries since_rev beside since, and the replayed changes apply in place", () => {
  const { model, clock, connect } = setup();
  const s1 = connect();
  s1.receive({
    type: "subscribed",
    groups: [
      { group_id: "g1", head_seq: 2, head_rev: 6, online_user_ids: [] },
      { group_id: "g2", head_seq: 0, online_user_ids: [] },
    ],
  });
  model.mergeHistory("g1", [
    msg("g1", 1, { rev: 1 }),
    msg("g1", 2, { rev: 6 }),
  ], false);
  s1.serverClose(1001);
  clock.advance(1_000);
  const s2 = connect();
  assert.deepEqual(s2.sentOf("subscribe"), [{
    type: "subscribe",
    group_ids: ["g1", "g2"],
    since: { g1: 2, g2: 0 },
    since_rev: { g1: 6 },
  }]);
  s2.receive({
    type: "message_update",
    group_id: "g1",
    rev: 7,
    message: msg("g1", 1, { rev: 7, text: "edited", edited_at: "2025-01-01" }),
  });
  s2.receive({
    type: "message_update",
    group_id: "g1",
    rev: 8,
    message: msg("g1", 2, { rev: 8, text: "", deleted: true }),
  });
  assert.deepEqual(
    model.timelineOf("g1").messages.map((m) => [m.text, !!m.deleted]),
    [["edited", false], ["", true]],
  );
  assert.deepEqual(model.lastRevs(), { g1: 8 });
});

Deno.test("a reply is sent, and resent after a reconnect, with its reply_to", () => {
  const { model, clock, client, connect } = setup();
  const s1 = connect();
  model.outbox.enqueue("g1", "me too", "n-1", clock.now(), 4);
  client.sendMessage("n-1");
  s1.serverClose(1006);
  clock.advance(1_000);
  const s2 = connect();
  for (const s of [s1, s2]) {
    assert.deepEqual(s.sentOf("message"), [
      {
        type: "message",
        group_id: "g1",
        text: "me too",
        nonce: "n-1",
        reply_to: 4,
      },
    ]);
  }
});

Deno.test("message_update frames missing their rev or with a malformed message are dropped", () => {
  const { model, connect } = setup();
  const s = connect();
  s.receive({ type: "message", group_id: "g1", rev: 1, message: msg("g1", 1) });
  s.receive({
    type: "message_update",
    group_id: "g1",
    message: msg("g1", 1, { rev: 2, text: "no rev" }),
  });
  s.receive({
    type: "message_update",
    group_id: "g1",
    rev: 3,
    message: { ...msg("g1", 1, { rev: 3 }), reactions: { "👍": "bob" } },
  });
  assert.equal(model.timelineOf("g1").messages[0].text, "message 1");
  assert.deepEqual(model.lastRevs(), { g1: 1 });
});
