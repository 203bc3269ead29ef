import assert from "node:assert/strict";
import {
  gatewayWire,
  socketioWire,
  wireFor,
} from "../../bench/loadtest/wire.ts";

const message = {
  type: "message",
  group_id: "g1",
  text: "hi",
  nonce: "0/1/12.50",
};

Deno.test("gatewayWire carries one JSON frame per text, with nothing to answer", () => {
  const text = gatewayWire.encode(message);
  assert.equal(text, JSON.stringify(message));
  assert.deepEqual(gatewayWire.decode(text), { frame: message, reply: null });
  assert.equal(gatewayWire.path, "/gateway");
});

Deno.test('socketioWire encodes a frame as the Socket.IO event 42["frame",…] and decodes it back', () => {
  const text = socketioWire.encode(message);
  assert.equal(text, `42["frame",${JSON.stringify(message)}]`);
  assert.deepEqual(socketioWire.decode(text), { frame: message, reply: null });
});

Deno.test("socketioWire answers the Engine.IO open with a namespace connect and a ping with a pong", () => {
  const open = '0{"sid":"abc","upgrades":[],"pingInterval":25000,' +
    '"pingTimeout":20000,"maxPayload":1000000}';
  assert.deepEqual(socketioWire.decode(open), { frame: null, reply: "40" });
  assert.deepEqual(socketioWire.decode("2"), { frame: null, reply: "3" });
  assert.deepEqual(socketioWire.decode('40{"sid":"xyz"}'), {
    frame: null,
    reply: null,
  });
});

Deno.test("socketioWire ignores events other than frame and Engine.IO pongs and noops", () => {
  assert.deepEqual(socketioWire.decode('42["other",{"type":"x"}]'), {
    frame: null,
    reply: null,
  });
  for (const text of ["3", "6"]) {
    assert.deepEqual(socketioWire.decode(text), { frame: null, reply: null });
  }
});

Deno.test("socketioWire turns a refused connect, a disconnect and an Engine.IO close into error frames", () => {
  const refused = socketioWire.decode('44{"message":"not authorized"}');
  assert.equal(refused.frame?.type, "error");
  assert.equal(refused.frame?.message, "not authorized");
  assert.equal(socketioWire.decode("41").frame?.type, "error");
  assert.equal(socketioWire.decode("1").frame?.type, "error");
});

Deno.test("socketioWire refuses Socket.IO packets the driver never expects", () => {
  assert.throws(
    () => socketioWire.decode('45-["frame",{"_placeholder":true}]'),
    /Cannot parse Socket.IO packet: type 5/,
  );
  assert.throws(() => socketioWire.decode("42not json"), SyntaxError);
});

Deno.test("wireFor() names the Socket.IO endpoint with Engine.IO 4 over WebSocket only", () => {
  assert.equal(wireFor("gateway"), gatewayWire);
  assert.equal(
    wireFor("socketio").path,
    "/socket.io/?EIO=4&transport=websocket",
  );
});
