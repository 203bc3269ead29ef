/**
 * The ceiling: a bare `Deno.upgradeWebSocket` broadcast server speaking just enough of the
 * gateway protocol for the load driver (hello, ready at once, subscribe, message, ping) with no
 * authentication, validation, ordering guarantees, persistence or presence. Each message is
 * serialised once and sent to every socket of its group, as Salvioris does.
 *
 * Run: `deno run -A bench/loadtest/bare_server.ts` (PORT, default 0); prints its port.
 */

interface Room {
  seq: number;
  sockets: Set<WebSocket>;
}

const rooms = new Map<string, Room>();
const hello = JSON.stringify({
  type: "hello",
  heartbeat_interval_ms: 30_000,
  protocol: 1,
});
const ready = JSON.stringify({
  type: "ready",
  session_id: "bare",
  user: { id: "bare", username: "bare" },
  groups: [],
});
let ids = 0;

function roomOf(groupId: string): Room {
  let room = rooms.get(groupId);
  if (!room) rooms.set(groupId, room = { seq: 0, sockets: new Set() });
  return room;
}

function onFrame(socket: WebSocket, joined: Set<Room>, data: string): void {
  const frame = JSON.parse(data);
  if (frame.type === "subscribe") {
    for (const id of frame.group_ids) {
      const room = roomOf(id);
      room.sockets.add(socket);
      joined.add(room);
    }
    const groups = frame.group_ids.map((id: string) => ({
      group_id: id,
      head_seq: roomOf(id).seq,
      online_user_ids: [],
    }));
    socket.send(JSON.stringify({ type: "subscribed", groups }));
  } else if (frame.type === "message") {
    const room = roomOf(frame.group_id);
    const text = JSON.stringify({
      type: "message",
      group_id: frame.group_id,
      message: {
        id: `b${++ids}`,
        group_id: frame.group_id,
        seq: ++room.seq,
        author: { id: "bare", username: "bare" },
        text: frame.text,
        created_at: new Date().toISOString(),
        nonce: frame.nonce ?? null,
      },
    });
    for (const peer of room.sockets) {
      if (peer.readyState === WebSocket.OPEN) peer.send(text);
    }
  } else if (frame.type === "ping") {
    socket.send(JSON.stringify({ type: "pong", ref: frame.ref }));
  }
}

Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 0),
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`listening on http://localhost:${port}`),
}, (req) => {
  if (req.headers.get("upgrade") !== "websocket") {
    return new Response("bare broadcast server", { status: 200 });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  const joined = new Set<Room>();
  socket.onopen = () => {
    socket.send(hello);
    socket.send(ready);
  };
  socket.onmessage = (e) => {
    try {
      onFrame(socket, joined, e.data);
    } catch {
      socket.close(1003, "bad frame");
    }
  };
  socket.onclose = () => {
    for (const room of joined) room.sockets.delete(socket);
  };
  return response;
});
