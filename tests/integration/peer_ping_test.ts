/**
 * Deno's own keep-alive pings (`idleTimeout`): an anonymous socket is pinged after 4 s of silence
 * so a peer that never answers is dropped before the identify deadline; a socket identified at
 * the upgrade is left to the gateway's heartbeat and not pinged every 4 s. Read off the wire with
 * a bare TCP client, since a WebSocket client answers pings unseen.
 */
import assert from "node:assert/strict";
import { newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";

/** Opcodes of the frames a socket received within `ms` after its upgrade. */
async function opcodesWithin(
  port: number,
  headers: string[],
  ms: number,
): Promise<number[]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const request = [
    "GET /gateway HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...headers,
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(request));
  let bytes = new Uint8Array(0);
  const timer = setTimeout(() => conn.close(), ms);
  const buf = new Uint8Array(4096);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      const joined = new Uint8Array(bytes.length + n);
      joined.set(bytes);
      joined.set(buf.subarray(0, n), bytes.length);
      bytes = joined;
    }
  } catch {
    // closed by the timer
  } finally {
    clearTimeout(timer);
  }
  const text = new TextDecoder("latin1").decode(bytes);
  const headEnd = text.indexOf("\r\n\r\n");
  assert.match(text.slice(0, 12), /101/, "the upgrade is accepted");
  return parseOpcodes(bytes.subarray(headEnd + 4));
}

/** The opcodes of unmasked server frames laid end to end. */
function parseOpcodes(data: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i + 2 <= data.length) {
    out.push(data[i] & 0x0f);
    let length = data[i + 1] & 0x7f;
    let at = i + 2;
    if (length === 126) {
      length = (data[at] << 8) | data[at + 1];
      at += 2;
    } else if (length === 127) {
      length = Number(
        new DataView(data.buffer, data.byteOffset + at, 8).getBigUint64(0),
      );
      at += 8;
    }
    i = at + length;
  }
  return out;
}

const ping = 0x9;

Deno.test(
  "Deno pings silent anonymous sockets within 5 s, and leaves sockets identified at the upgrade to the heartbeat",
  integration,
  async () => {
    await withServer({}, async (server) => {
      const { token } = await newUser(server.url);
      const [anonymous, identified] = await Promise.all([
        opcodesWithin(server.port, [], 6_000),
        opcodesWithin(server.port, [`Authorization: Bearer ${token}`], 6_000),
      ]);
      assert.ok(anonymous.includes(ping), `anonymous: ${anonymous}`);
      assert.deepEqual(
        identified,
        [0x1, 0x1],
        "identified: hello and ready, and no ping",
      );
    });
  },
);
