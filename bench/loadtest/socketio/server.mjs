/**
 * The comparison target of issue 10: a Socket.IO 4 broadcast server with
 * `@socket.io/redis-adapter` on ioredis, speaking the same minimal semantics as
 * `bare_server.ts` (hello and ready on connect, subscribe → join rooms and answer `subscribed`,
 * message → a `message` frame broadcast to the room, ping → pong), each gateway frame carried as
 * the Socket.IO event `frame` (`42["frame",{...}]` on the wire, both ways).
 *
 * Per-room seq comes from Redis `INCR`, so it stays one sequence across instances, as a real
 * Socket.IO chat needs it to (a local counter would give two instances colliding seqs). No
 * authentication, validation or persistence, like the bare server.
 *
 * Run with Node 20+: `REDIS_URL=redis://… PORT=0 node server.mjs`; prints its port. Started by
 * `deno task loadtest --socketio` from a cache folder holding its node_modules.
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";

// Resolved by Node from the cache folder's node_modules; `require` keeps them out of the module
// graph `deno check bench` builds, where these packages are not dependencies.
const require = createRequire(import.meta.url);
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { Redis } = require("ioredis");

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  console.error("socketio bench server: REDIS_URL is required");
  process.exit(2);
}
const instance = process.env.INSTANCE_ID ?? "sio";
const pub = new Redis(redisUrl);
const sub = pub.duplicate();
const seqKey = (groupId) => `sio-bench:seq:${groupId}`;

const http = createServer((_req, res) => res.end("socket.io broadcast server"));
const io = new Server(http, {
  transports: ["websocket"],
  serveClient: false,
  adapter: createAdapter(pub, sub),
});

const hello = { type: "hello", heartbeat_interval_ms: 30_000, protocol: 1 };
const ready = {
  type: "ready",
  session_id: "socketio",
  user: { id: "socketio", username: "socketio" },
  groups: [],
};
const author = { id: "socketio", username: "socketio" };
let ids = 0;

async function onSubscribe(socket, groupIds) {
  socket.join(groupIds);
  const heads = await pub.mget(groupIds.map(seqKey));
  socket.emit("frame", {
    type: "subscribed",
    groups: groupIds.map((id, i) => ({
      group_id: id,
      head_seq: Number(heads[i] ?? 0),
      online_user_ids: [],
    })),
  });
}

async function onMessage(frame) {
  const seq = await pub.incr(seqKey(frame.group_id));
  io.to(frame.group_id).emit("frame", {
    type: "message",
    group_id: frame.group_id,
    message: {
      id: `${instance}-${++ids}`,
      group_id: frame.group_id,
      seq,
      author,
      text: frame.text,
      created_at: new Date().toISOString(),
      nonce: frame.nonce ?? null,
    },
  });
}

io.on("connection", (socket) => {
  socket.emit("frame", hello);
  socket.emit("frame", ready);
  socket.on("frame", (frame) => {
    const done = frame?.type === "subscribe"
      ? onSubscribe(socket, frame.group_ids)
      : frame?.type === "message"
      ? onMessage(frame)
      : frame?.type === "ping"
      ? socket.emit("frame", { type: "pong", ref: frame.ref })
      : null;
    // A bench server: a failed Redis call drops the socket rather than the process.
    if (done instanceof Promise) done.catch(() => socket.disconnect(true));
  });
});

http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://localhost:${http.address().port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
