/**
 * How the load driver puts gateway frames on a WebSocket: as JSON text (Salvioris, the bare
 * server) or inside Socket.IO's wire protocol (the Socket.IO target), so one driver drives both.
 * Pure: text in, text out; the driver sends what `decode` asks it to answer.
 */

/** A gateway frame as the driver reads it (PROTOCOL.md §2; only `type` is relied on). */
// deno-lint-ignore no-explicit-any
export type Frame = { type: string } & Record<string, any>;

/** What one text message from the server means to the driver. */
export interface Decoded {
  /** The gateway frame it carried, if any. */
  frame: Frame | null;
  /** Text to send back at once (Socket.IO's handshake and heartbeat), if any. */
  reply: string | null;
}

/** One way of framing gateway frames on a WebSocket. */
export interface Wire {
  /** The path (and query) of the WebSocket endpoint on a target's origin. */
  path: string;
  encode(frame: Frame): string;
  /** Throws on text it cannot parse (the driver treats that as a broken server). */
  decode(text: string): Decoded;
}

/** Salvioris and the bare server: one JSON frame per text message. */
export const gatewayWire: Wire = {
  path: "/gateway",
  encode: (frame) => JSON.stringify(frame),
  decode: (text) => ({ frame: JSON.parse(text), reply: null }),
};

/**
 * Socket.IO 4 over a plain WebSocket (Engine.IO protocol 4, no polling): the server opens with
 * `0{…}` and the client connects to the main namespace with `40`, answered `40{"sid":…}`;
 * Engine.IO's ping `2` must be answered `3`; events are `42["frame",{…}]` both ways.
 */
export const socketioWire: Wire = {
  path: "/socket.io/?EIO=4&transport=websocket",
  encode: (frame) => `42${JSON.stringify(["frame", frame])}`,
  decode: decodeSocketio,
};

const none: Decoded = { frame: null, reply: null };

function decodeSocketio(text: string): Decoded {
  switch (text[0]) {
    case "0": // Engine.IO open: join the main namespace.
      return { frame: null, reply: "40" };
    case "2": // Engine.IO ping.
      return { frame: null, reply: "3" };
    case "4": // Engine.IO message: a Socket.IO packet follows.
      return decodePacket(text.slice(1));
    case "1": // Engine.IO close.
      return {
        frame: { type: "error", code: "closed", message: "engine.io close" },
        reply: null,
      };
    default: // 3 (pong), 5 (upgrade), 6 (noop): nothing for the driver.
      return none;
  }
}

function decodePacket(packet: string): Decoded {
  const type = packet[0];
  if (type === "0") return none; // CONNECT acknowledged: {"sid":…}
  if (type === "2") {
    // EVENT, in the main namespace and without an ack id: ["name", payload].
    const [name, payload] = JSON.parse(packet.slice(1));
    if (name !== "frame") return none;
    return { frame: payload, reply: null };
  }
  if (type === "4" || type === "1") {
    // CONNECT_ERROR {"message":…} or DISCONNECT: the server refused or dropped us.
    const message = type === "4"
      ? String(JSON.parse(packet.slice(1)).message)
      : "disconnected by the server";
    return { frame: { type: "error", code: "socketio", message }, reply: null };
  }
  throw new Error(`Cannot parse Socket.IO packet: type ${type} is unexpected`);
}

/** The wire of a target, by name. */
export function wireFor(name: "gateway" | "socketio"): Wire {
  return name === "socketio" ? socketioWire : gatewayWire;
}
