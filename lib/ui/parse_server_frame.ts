/**
 * The browser's edge: one socket text frame in, a typed ServerFrame or null out. Checks only the
 * fields the app relies on (without zod, to keep the bundle small); a malformed or unknown frame is
 * dropped instead of breaking rendering.
 */
import type { ServerFrame } from "../protocol/server_frames.ts";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === "string";
const int = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0;
const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);
const user = (v: unknown) => isObj(v) && str(v.id) && str(v.username);
const group = (v: unknown) => isObj(v) && str(v.id) && str(v.name);
const optional = (v: unknown, check: (v: unknown) => boolean) =>
  v === undefined || check(v);
const reactions = (v: unknown) => isObj(v) && Object.values(v).every(strs);
const message = (v: unknown) =>
  isObj(v) && str(v.id) && str(v.group_id) && int(v.seq) && user(v.author) &&
  str(v.text) &&
  str(v.created_at) &&
  (v.nonce === null || v.nonce === undefined || str(v.nonce)) &&
  // The §4 fields the app reads (rev ordering, reply quotes, mentions, reaction chips).
  optional(v.rev, int) && optional(v.reply_to, int) &&
  optional(v.mentions, strs) && optional(v.reactions, reactions) &&
  optional(v.edited_at, str);
const typing = (f: Obj) => str(f.group_id) && str(f.user_id);

const checks: Record<ServerFrame["type"], (f: Obj) => boolean> = {
  hello: (f) => int(f.heartbeat_interval_ms),
  ready: (f) =>
    user(f.user) && Array.isArray(f.groups) && f.groups.every(group),
  subscribed: (f) =>
    Array.isArray(f.groups) &&
    f.groups.every((g) =>
      isObj(g) && str(g.group_id) && int(g.head_seq) &&
      optional(g.head_rev, int) &&
      strs(g.online_user_ids ?? [])
    ),
  unsubscribed: (f) => strs(f.group_ids),
  message: (f) => str(f.group_id) && message(f.message) && optional(f.rev, int),
  message_update: (f) => str(f.group_id) && message(f.message) && int(f.rev),
  typing_start: typing,
  typing_stop: typing,
  member_joined: (f) => str(f.group_id) && user(f.user),
  member_left: (f) => str(f.group_id) && str(f.user_id),
  group_updated: (f) => group(f.group),
  group_added: (f) => group(f.group),
  member_updated: (f) => str(f.group_id) && user(f.member),
  read_receipt: (f) => str(f.group_id) && str(f.user_id) && int(f.seq),
  presence: (f) =>
    str(f.user_id) && (f.status === "online" || f.status === "offline"),
  resync: (f) => str(f.group_id),
  error: (f) => str(f.code),
  server_notice: (f) => str(f.text),
  pong: () => true,
};

/** Parses one frame; null when it is not JSON, of an unknown type or missing a field. */
export function parseServerFrame(data: string): ServerFrame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObj(raw) || !str(raw.type) || !Object.hasOwn(checks, raw.type)) {
    return null;
  }
  if (!checks[raw.type as ServerFrame["type"]](raw)) return null;
  const frame = raw as Obj;
  // Normalise the optional bits the model reads without checking again.
  if (frame.type === "subscribed") {
    for (const g of frame.groups as Obj[]) g.online_user_ids ??= [];
  }
  if (frame.type === "error" && !str(frame.message)) frame.message = "";
  if (frame.type === "server_notice" && frame.level !== "warning") {
    frame.level = "info";
  }
  if (frame.type === "message" || frame.type === "message_update") {
    (frame.message as Obj).nonce ??= null;
  }
  return frame as unknown as ServerFrame;
}
