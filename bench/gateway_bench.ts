/**
 * Benchmarks of the hot paths (`deno task bench`): ordering a message on the embedded bus,
 * fanning one message out to many local sockets, and a full round trip over a real socket.
 */
import { KvBus } from "../lib/bus/kv_bus.ts";
import { topics } from "../lib/bus/topics.ts";
import { Connection, type SocketLike } from "../gateway/connection.ts";
import { createFanout } from "../gateway/fanout.ts";
import { GroupStream } from "../gateway/group_stream.ts";
import { Hub } from "../gateway/hub.ts";
import { startInProcess } from "../tests/helpers/in_process.ts";
import { GatewayClient } from "../tests/helpers/gateway_client.ts";
import { newGroup, newUser } from "../tests/helpers/api_client.ts";

const rates = {
  framesBurst: 1e9,
  framesPerSec: 1e9,
  messagesBurst: 1e9,
  messagesPerSec: 1e9,
};
const author = { id: "u", username: "bench" };

// A KV file, as the server uses, so the number includes the commit that makes it durable.
const benchDir = await Deno.makeTempDir({ prefix: "salvioris-bench-" });
const bus = await KvBus.open(await Deno.openKv(`${benchDir}/bench.kv`));
let n = 0;
Deno.bench(
  "kv bus: append one message (one atomic commit: seq, nonce, buffer, hand-off; publish)",
  async () => {
    await bus.append({
      id: `m${n}`,
      group_id: "g",
      author,
      text: "hello",
      nonce: `n${n++}`,
      created_at: new Date().toISOString(),
    }, { floorSeq: 0 });
    if (n % 1000 === 0) {
      const entries = await bus.readHandoff("b", 1000, 0);
      await bus.ackHandoff(entries.map((e) => e.id));
    }
  },
);

// A change: read the message's pending state, then a compare-and-set commit on it.
await bus.append({
  id: "target",
  group_id: "changes",
  author,
  text: "react to me",
  nonce: null,
  created_at: new Date().toISOString(),
}, { floorSeq: 0 });
let toggles = 0;
Deno.bench(
  "kv bus: append one reaction change (read pending state, compare-and-set commit; publish)",
  async () => {
    const { states } = await bus.pendingStates("changes", [1]);
    const state = states.get(1)!;
    const { reactions: _had, ...bare } = state;
    const outcome = await bus.appendUpdate({
      message: toggles++ % 2 === 0
        ? { ...bare, reactions: { "👍": ["u"] } }
        : bare,
      basis: { pendingRev: state.rev! },
      erase: false,
    });
    if (outcome.status !== "appended") throw new Error(outcome.status);
    if (toggles % 1000 === 0) {
      const entries = await bus.readHandoff("b", 1000, 0);
      await bus.ackHandoff(entries.map((e) => e.id));
    }
  },
);

for (const sockets of [100, 1000]) {
  const hub = new Hub(await KvBus.open(await Deno.openKv(":memory:")));
  const sink: SocketLike = {
    readyState: 1,
    bufferedAmount: 0,
    send() {},
    close() {},
  };
  for (let i = 0; i < sockets; i++) {
    const c = new Connection({
      id: `c${i}`,
      socket: sink,
      now: Date.now,
      rates,
    });
    c.caller = {
      user: { id: `u${i}`, username: "x" },
      session: {} as never,
      tokenHash: "",
    };
    hub.add(c);
    const stream = new GroupStream("g", c, () => Promise.resolve([]));
    await stream.begin(0, []);
    c.streams.set("g", stream);
    hub.link(c, "g");
  }
  const fanout = createFanout(hub);
  let seq = 0;
  Deno.bench(`fan-out: one message to ${sockets} local sockets`, {
    group: "fanout",
  }, () => {
    seq++;
    fanout(topics.group("g"), {
      kind: "message",
      group_id: "g",
      rev: seq,
      message: {
        id: "m",
        group_id: "g",
        seq,
        author,
        text: "hi",
        created_at: "",
        nonce: null,
      },
    });
  });
}

const { url, wsUrl } = await startInProcess(rates);
const user = await newUser(url);
const group = await newGroup(user.api);
const client = await GatewayClient.connect(
  wsUrl,
  { token: user.token },
);
client.send({ type: "subscribe", group_ids: [group.id] });
await client.nextOf("subscribed");
let k = 0;
Deno.bench(
  "round trip: send a message and receive its echo over a real WebSocket",
  async () => {
    const nonce = `r${k++}`;
    client.send({ type: "message", group_id: group.id, text: "ping", nonce });
    await client.next((f) => f.type === "message" && f.message.nonce === nonce);
    client.received.length = 0;
  },
);

globalThis.addEventListener("unload", () => {
  client.socket.close();
});
