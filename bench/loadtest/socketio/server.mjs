/**
 * The comparison target of issue 10: a Socket.IO 4 broadcast server with
 * `@socket.io/redis-adapter` on ioredis, speaking the same minimal semantics as
 * `bare_server.ts` (hello and ready on connect, subscribe → join rooms and answer `subscribed`,
 * message → a `message` frame broadcast to the room, ping → pong), each gateway frame carried as
 * the Socket.IO event `frame` (`42["frame",{...}]` on the wire, both ways).
 *
 * Per-room order, as the load driver checks it: Socket.IO delivers a broadcast to its own
 * instance's sockets at once and to the others through Redis, so two instances numbering one
 * room (even from one Redis `INCR`) deliver out of seq order. Each room therefore has an owner
 * instance (a hash of its id) that numbers and broadcasts its messages; the other instance
 * forwards a message to it with `serverSideEmit`, one more Redis hop. No authentication,
 * validation or persistence, like the bare server.
 *
 * Run with Node 20+: `REDIS_URL=redis://… INSTANCE_INDEX=0 INSTANCE_COUNT=1 PORT=0 node
 * server.mjs`; prints its port. Started by
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
const index = Number(process.env.INSTANCE_INDEX ?? 0);
const count = Number(process.env.INSTANCE_COUNT ?? 1);
const pub = new Redis(redisUrl);
const sub = pub.duplicate();

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
/** Last seq of each room this instance owns. */
const seqs = new Map();
let ids = 0;

/** The instance that numbers a room's messages: a string hash of its id. */
function ownerOf(groupId) {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) {
    hash = (hash * 31 + groupId.charCodeAt(i)) | 0;
  }
  return Math.abs(hash) % count;
}

function onSubscribe(socket, groupIds) {
  socket.join(groupIds);
  socket.emit("frame", {
    type: "subscribed",
    groups: groupIds.map((id) => ({
      group_id: id,
      // Known to the owner only; the driver does not use it.
      head_seq: seqs.get(id) ?? 0,
      online_user_ids: [],
    })),
  });
}

function onMessage(frame) {
  if (ownerOf(frame.group_id) !== index) {
    io.serverSideEmit("forward", frame);
    return;
  }
  const seq = (seqs.get(frame.group_id) ?? 0) + 1;
  seqs.set(frame.group_id, seq);
  io.to(frame.group_id).emit("frame", {
    type: "message",
    group_id: frame.group_id,
    message: {
      id: `sio${index}-${++ids}`,
      group_id: frame.group_id,
      seq,
      author,
      text: frame.text,
      created_at: new Date().toISOString(),
      nonce: frame.nonce ?? null,
    },
  });
}

// Every other instance hears a forward; only the room's owner acts on it.
io.on("forward", (frame) => {
  if (ownerOf(frame.group_id) === index) onMessage(frame);
});

io.on("connection", (socket) => {
  socket.emit("frame", hello);
  socket.emit("frame", ready);
  socket.on("frame", (frame) => {
    try {
      if (frame.type === "subscribe") onSubscribe(socket, frame.group_ids);
      else if (frame.type === "message") onMessage(frame);
      else if (frame.type === "ping") {
        socket.emit("frame", { type: "pong", ref: frame.ref });
      }
    } catch {
      socket.disconnect(true); // a bad frame, as the bare server closes on one
    }
  });
});

http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://localhost:${http.address().port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
