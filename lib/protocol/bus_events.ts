/**
 * The envelopes instances exchange over the bus. Everything read from the bus is parsed with
 * `parseBusEvent` first: a bad envelope is logged and dropped, never thrown into a fan-out loop.
 */
import { z } from "zod";
import { log } from "../log.ts";

const id = z.string().min(1).max(64);
const user = z.object({ id, username: z.string() });

/** §5: an attachment as a message carries it. */
export const attachmentSchema = z.object({
  id,
  name: z.string(),
  content_type: z.string(),
  size: z.number().int().min(0),
  url: z.string(),
  width: z.number().int().min(1).optional(),
  height: z.number().int().min(1).optional(),
});

export const messageSchema = z.object({
  id,
  group_id: id,
  seq: z.number().int().min(1),
  author: user,
  text: z.string(),
  created_at: z.string(),
  nonce: z.string().nullable(),
  edited_at: z.string().optional(),
  deleted: z.literal(true).optional(),
  reactions: z.record(z.string(), z.array(z.string())).optional(),
  attachments: z.array(attachmentSchema).optional(),
  rev: z.number().int().min(1).optional(),
  reply_to: z.number().int().min(1).optional(),
  mentions: z.array(z.string()).optional(),
});

const rev = z.number().int().min(1);

export const busEvent = z.discriminatedUnion("kind", [
  /** A new message, already ordered: its seq and rev are final. */
  z.object({
    kind: z.literal("message"),
    group_id: id,
    rev,
    message: messageSchema,
  }),
  /** §4: an edit, deletion or reaction change; `message` is the state after it. */
  z.object({
    kind: z.literal("message_update"),
    group_id: id,
    rev,
    message: messageSchema,
  }),
  z.object({
    kind: z.literal("typing"),
    group_id: id,
    user_id: id,
    typing: z.boolean(),
  }),
  z.object({
    kind: z.literal("read"),
    group_id: id,
    user_id: id,
    seq: z.number().int().min(0),
  }),
  /** A user joined a group: its subscribers add them to the member list. */
  z.object({
    kind: z.literal("member_joined"),
    group_id: id,
    user,
    online: z.boolean(),
  }),
  /** §6: a group's settings changed; the public fields only (no invite code, no counts). */
  z.object({
    kind: z.literal("group_updated"),
    group_id: id,
    group: z.object({
      id,
      name: z.string(),
      public: z.boolean(),
      owner_id: id,
      created_at: z.string(),
      description: z.string(),
      kind: z.enum(["group", "dm"]),
    }),
  }),
  /** §6: a member's role changed. */
  z.object({
    kind: z.literal("member_updated"),
    group_id: id,
    member: user.extend({
      online: z.boolean(),
      role: z.enum(["owner", "admin", "member"]),
    }),
  }),
  /** A member left (or was removed): every instance ends that user's subscriptions. */
  z.object({ kind: z.literal("member_left"), group_id: id, user_id: id }),
  /** A user's first socket opened or last socket closed, told to the groups it belongs to. */
  z.object({
    kind: z.literal("presence"),
    user_id: id,
    status: z.enum(["online", "offline"]),
    group_ids: z.array(id),
  }),
  /** §6: a direct group got its first message: both users' sockets learn of it (control topic). */
  z.object({
    kind: z.literal("group_added"),
    user_ids: z.array(id).max(2),
    group: z.object({
      id,
      name: z.string(),
      public: z.boolean(),
      owner_id: id,
      created_at: z.string(),
      description: z.string(),
      kind: z.enum(["group", "dm"]),
    }),
  }),
  /** Addition: an online user became idle or active again, told to the groups it belongs to. */
  z.object({
    kind: z.literal("presence_idle"),
    user_id: id,
    idle: z.boolean(),
    group_ids: z.array(id),
  }),
  /** A login session ended: every instance closes its sockets with 4001. */
  z.object({ kind: z.literal("session_ended"), session_id: id }),
]);

/** A hand-off entry's reference to one event of a group's history (it holds no text). */
export const eventRefSchema = z.object({
  group_id: id,
  seq: z.number().int().min(1),
  rev,
  kind: z.enum(["message", "message_update"]),
});

/** A group event as the recovery buffer stores it. */
export const groupEventSchema = z.object({
  kind: z.enum(["message", "message_update"]),
  group_id: id,
  rev,
  message: messageSchema,
});

export type BusEvent = z.infer<typeof busEvent>;
/** An event of a group's history: it took the group's next rev. */
export type GroupEvent = BusEventOf<"message" | "message_update">;
export type BusEventOf<K extends BusEvent["kind"]> = Extract<
  BusEvent,
  { kind: K }
>;

/** Parses one envelope from the wire; returns null (and says why) when it is not valid. */
export function parseBusEvent(raw: string | unknown): BusEvent | null {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      log.warn(
        "bus.envelope_dropped",
        "bus: dropped an envelope that is not JSON",
      );
      return null;
    }
  }
  const result = busEvent.safeParse(value);
  if (result.success) return result.data;
  log.warn("bus.envelope_dropped", "bus: dropped an invalid envelope", {
    issue: result.error.issues[0]?.message,
  });
  return null;
}
