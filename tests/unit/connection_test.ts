import assert from "node:assert/strict";
import {
  bufferCheckChars,
  Connection,
  maxBufferedBytes,
  type SocketLike,
} from "../../gateway/connection.ts";
import { CloseCode } from "../../lib/protocol/errors.ts";

const rates = {
  framesBurst: 10,
  framesPerSec: 10,
  messagesBurst: 10,
  messagesPerSec: 10,
};

/** A socket whose send queue never drains, counting how often its queue is read. */
function stalledSocket() {
  const socket = {
    readyState: 1,
    sent: 0,
    reads: 0,
    closedWith: null as number | null,
    get bufferedAmount() {
      socket.reads++;
      return socket.sent;
    },
    send(data: string) {
      socket.sent += data.length;
    },
    close(code?: number) {
      socket.closedWith = code ?? null;
      socket.readyState = 3;
    },
  };
  return socket;
}

function connectionOn(socket: SocketLike, now = () => 0): Connection {
  return new Connection({ id: "c1", socket, now, rates });
}

Deno.test("sendText() closes a client whose send queue passed 4 MiB with 4003, and sends nothing more", () => {
  const socket = stalledSocket();
  const connection = connectionOn(socket);
  const frame = "x".repeat(1000);
  let sends = 0;
  while (!connection.closed && sends < 10_000) {
    connection.sendText(frame);
    sends++;
  }
  assert.equal(socket.closedWith, CloseCode.tooSlow);
  assert.ok(socket.sent > maxBufferedBytes, "closed only past the bound");
  assert.ok(
    socket.sent <= maxBufferedBytes + bufferCheckChars,
    `closed within one check interval of the bound (queued ${socket.sent})`,
  );
  const queued = socket.sent;
  connection.sendText(frame);
  assert.equal(socket.sent, queued);
});

Deno.test("sendText() reads the socket's queue once per 64 Ki characters, not once per frame", () => {
  const socket = stalledSocket();
  const connection = connectionOn(socket);
  for (let i = 0; i < 1000; i++) connection.sendText("y".repeat(100));
  assert.equal(socket.reads, Math.floor((1000 * 100) / bufferCheckChars));
});

Deno.test("a connection's typing states start empty and expire or clear by group", () => {
  let now = 0;
  const connection = connectionOn(stalledSocket(), () => now);
  assert.deepEqual(connection.expireTyping(now), []);
  assert.deepEqual(connection.clearTyping(), []);
  assert.equal(connection.stopTyping("g1"), false, "it never typed");
  assert.equal(connection.typing.start("g1", now), true);
  assert.equal(connection.stopTyping("g1"), true);
  assert.equal(connection.typing.start("g1", now), true);
  now = 5_000;
  connection.typing.start("g2", now);
  now = 10_000;
  assert.deepEqual(connection.expireTyping(now), ["g1"]);
  assert.deepEqual(connection.clearTyping(), ["g2"]);
});

Deno.test("a connection counts violations and rejections in their windows", () => {
  let now = 0;
  const connection = connectionOn(stalledSocket(), () => now);
  for (let i = 0; i < 10; i++) assert.equal(connection.violations.hit(), false);
  assert.equal(connection.violations.hit(), true, "the 11th in a minute");
  now = 61_000;
  assert.equal(connection.violations.hit(), false, "the window moved on");
  for (let i = 0; i < 50; i++) assert.equal(connection.rejections.hit(), false);
  assert.equal(connection.rejections.hit(), true, "the 51st in 10 s");
});
