/** Types of every server → client frame (PROTOCOL.md §2.3). */
import type { ErrorCode, ErrorDetails } from "./errors.ts";
import type { GroupEvent } from "./bus_events.ts";
import type { Group, Member, Message, User } from "./types.ts";

export interface SubscribedGroup {
  group_id: string;
  head_seq: number;
  /** §4: the group's latest event rev. */
  head_rev?: number;
  online_user_ids: string[];
}

/** Every frame the server may send. */
export type ServerFrame =
  | { type: "hello"; heartbeat_interval_ms: number; protocol: 1 }
  | { type: "ready"; session_id: string; user: User; groups: Group[] }
  | { type: "subscribed"; groups: SubscribedGroup[]; ref?: string }
  | { type: "unsubscribed"; group_ids: string[]; ref?: string }
  | { type: "message"; group_id: string; rev?: number; message: Message }
  /** §4: an edit, deletion or reaction change; `message` is the whole new state. */
  | { type: "message_update"; group_id: string; rev: number; message: Message }
  | { type: "typing_start" | "typing_stop"; group_id: string; user_id: string }
  | { type: "read_receipt"; group_id: string; user_id: string; seq: number }
  | {
    type: "presence";
    user_id: string;
    status: "online" | "offline";
    /** Addition: with `online`, whether the person is away from every socket here. */
    idle?: boolean;
  }
  /** Additions: membership changes, for the group's other subscribers. */
  | { type: "member_joined"; group_id: string; user: User; online: boolean }
  | { type: "member_left"; group_id: string; user_id: string }
  /** §6: a group's public fields after a change of its settings. */
  | { type: "group_updated"; group: Group }
  /** Addition: a direct conversation of this user got its first message. */
  | { type: "group_added"; group: Group }
  /** §6: a member's role changed. */
  | { type: "member_updated"; group_id: string; member: Member }
  | { type: "resync"; group_id: string }
  | (
    & { type: "error"; code: ErrorCode; message: string; ref?: string }
    & ErrorDetails
  )
  | { type: "server_notice"; text: string; level: "info" | "warning" }
  | { type: "pong"; ref?: string };

export type ServerFrameOf<T extends ServerFrame["type"]> = Extract<
  ServerFrame,
  { type: T }
>;

/**
 * The text of a `message` frame outside the rev stream (a nonce retry, a `since` replay by seq):
 * `rev` is given when the frame's event rev is known.
 */
export function messageFrameText(message: Message, rev?: number): string {
  return JSON.stringify({
    type: "message",
    group_id: message.group_id,
    ...(rev === undefined ? {} : { rev }),
    message,
  });
}

/**
 * The text of a group event's frame (`message` or `message_update`, with its top-level `rev`):
 * built here only, once per event, and sent as is to every socket that gets it.
 */
export function eventFrameText(event: GroupEvent): string {
  return JSON.stringify({
    type: event.kind,
    group_id: event.group_id,
    rev: event.rev,
    message: event.message,
  });
}
