/**
 * The instance's single bus listener: every event this instance receives from the bus is fanned
 * out here to its own sockets. Each event is serialised once and the same text is sent to every
 * socket; nothing here does I/O beyond socket sends.
 */
import type { BusListener } from "../lib/bus/bus.ts";
import type { BusEventOf, GroupEvent } from "../lib/protocol/bus_events.ts";
import { eventFrameText } from "../lib/protocol/server_frames.ts";
import type { Connection } from "./connection.ts";
import type { StreamItem } from "./group_stream.ts";
import type { Hub } from "./hub.ts";

/** Builds the listener that `main.ts` hands to the bus. */
export function createFanout(hub: Hub): BusListener {
  return (_topic, event) => {
    switch (event.kind) {
      case "message":
      case "message_update":
        return fanOutEvent(hub, event);
      case "typing":
        return sendToGroup(hub, event.group_id, {
          type: event.typing ? "typing_start" : "typing_stop",
          group_id: event.group_id,
          user_id: event.user_id,
        }, event.user_id);
      case "read":
        return sendToGroup(hub, event.group_id, {
          type: "read_receipt",
          group_id: event.group_id,
          user_id: event.user_id,
          seq: event.seq,
        });
      case "member_joined":
        return sendToGroup(hub, event.group_id, {
          type: "member_joined",
          group_id: event.group_id,
          user: event.user,
          online: event.online,
        }, event.user.id);
      case "group_updated":
        return sendToGroup(hub, event.group_id, {
          type: "group_updated",
          group: event.group,
        });
      case "member_updated":
        return sendToGroup(hub, event.group_id, {
          type: "member_updated",
          group_id: event.group_id,
          member: event.member,
        });
      case "member_left":
        sendToGroup(hub, event.group_id, {
          type: "member_left",
          group_id: event.group_id,
          user_id: event.user_id,
        }, event.user_id);
        for (
          const connection of hub.memberLeft(event.user_id, event.group_id)
        ) {
          connection.send({
            type: "unsubscribed",
            group_ids: [event.group_id],
          });
        }
        return;
      case "presence":
        return fanOutPresence(hub, event);
      case "presence_idle":
        return fanOutPresence(hub, {
          ...event,
          kind: "presence",
          status: "online",
        });
      case "group_added": {
        const text = JSON.stringify({
          type: "group_added",
          group: event.group,
        });
        for (const connection of hub.connections.values()) {
          if (event.user_ids.includes(connection.userId ?? "")) {
            connection.sendText(text);
          }
        }
        return;
      }
      case "session_ended":
        for (const connection of hub.connections.values()) {
          if (connection.caller?.session.id === event.session_id) {
            connection.endSession();
          }
        }
        return;
    }
  };
}

function fanOutEvent(hub: Hub, event: GroupEvent): void {
  const item = streamItem(event);
  for (const connection of hub.listenersOf(event.group_id)) {
    connection.streams.get(event.group_id)?.offer(item);
  }
}

/** A group event as a socket stream takes it: serialised once, for every socket. */
export function streamItem(event: GroupEvent): StreamItem {
  return {
    rev: event.rev,
    ...(event.kind === "message" ? { newSeq: event.message.seq } : {}),
    text: eventFrameText(event),
  };
}

/** Sends one frame to a group's sockets, except those of `exceptUserId`. */
function sendToGroup(
  hub: Hub,
  groupId: string,
  frame: object,
  exceptUserId?: string,
): void {
  const text = JSON.stringify(frame);
  for (const connection of hub.listenersOf(groupId)) {
    if (connection.userId !== exceptUserId) connection.sendText(text);
  }
}

/** Tells each socket sharing a subscribed group with the user, once. */
function fanOutPresence(
  hub: Hub,
  event: BusEventOf<"presence"> & { idle?: boolean },
): void {
  const text = JSON.stringify({
    type: "presence",
    user_id: event.user_id,
    status: event.status,
    ...(event.idle === undefined ? {} : { idle: event.idle }),
  });
  const told = new Set<Connection>();
  for (const groupId of event.group_ids) {
    for (const connection of hub.listenersOf(groupId)) {
      if (connection.userId === event.user_id || told.has(connection)) continue;
      told.add(connection);
      connection.sendText(text);
    }
  }
}
