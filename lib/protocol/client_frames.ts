/** zod schemas of every client → server frame (PROTOCOL.md §2.2); parsed once at the edge. */
import { z } from "zod";
import { emojiSchema } from "./emoji.ts";
import { limits } from "./limits.ts";
import { messageText, opaqueString } from "./text_rules.ts";
import {
  attachmentIds,
  hasContent,
  textBesideAttachments,
} from "./attachment_fields.ts";

// Ids are ours (letters, digits, `_`, `-`): anything else names nothing and is no store key.
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not an id");
const ref = z.string().max(limits.maxRefChars).optional();
const groupIds = z.array(id).min(1).max(limits.maxGroupIdsPerFrame);
/** A message's seq in a frame: a positive integer. */
const seq = z.number().int().min(1);

/** Message text: the rule of `message`, shared by `edit` (§4). */
const text = messageText(limits.maxTextChars);

const identify = z.object({
  type: z.literal("identify"),
  ref,
  // Any string: a bad token is `unauthorized` (and 4001), not a malformed frame.
  token: z.string(),
});
const subscribe = z.object({
  type: z.literal("subscribe"),
  ref,
  group_ids: groupIds,
  since: z.record(id, z.number().int().min(0)).refine(
    (since) => Object.keys(since).length <= limits.maxGroupIdsPerFrame,
    `since names more than ${limits.maxGroupIdsPerFrame} groups`,
  ).optional(),
  /** §4: per group, the last event rev seen; wins over `since` for the same group. */
  since_rev: z.record(id, z.number().int().min(0)).refine(
    (since) => Object.keys(since).length <= limits.maxGroupIdsPerFrame,
    `since_rev names more than ${limits.maxGroupIdsPerFrame} groups`,
  ).optional(),
});
const unsubscribe = z.object({
  type: z.literal("unsubscribe"),
  ref,
  group_ids: groupIds,
});
const message = z.object({
  type: z.literal("message"),
  ref,
  group_id: id,
  // §5: may be empty when the message carries attachments.
  text: textBesideAttachments(limits.maxTextChars),
  nonce: opaqueString(limits.maxNonceChars).nullish(),
  /** §4: the seq of the message this one replies to. */
  reply_to: seq.optional(),
  attachment_ids: attachmentIds,
}).refine(hasContent, { message: "text is empty", path: ["text"] });
const edit = z.object({
  type: z.literal("edit"),
  ref,
  group_id: id,
  seq,
  text: text,
});
const deleteFrame = z.object({
  type: z.literal("delete"),
  ref,
  group_id: id,
  seq,
});
const react = z.object({
  type: z.literal("react"),
  ref,
  group_id: id,
  seq,
  emoji: emojiSchema,
});
const unreact = z.object({
  type: z.literal("unreact"),
  ref,
  group_id: id,
  seq,
  emoji: emojiSchema,
});
const typingStart = z.object({
  type: z.literal("typing_start"),
  ref,
  group_id: id,
});
const typingStop = z.object({
  type: z.literal("typing_stop"),
  ref,
  group_id: id,
});
const read = z.object({
  type: z.literal("read"),
  ref,
  group_id: id,
  seq: z.number().int().min(0),
});
const ping = z.object({ type: z.literal("ping"), ref });
/** Addition: the client says whether its person is away (no input for a while). */
const presenceStatus = z.object({
  type: z.literal("presence_status"),
  ref,
  idle: z.boolean(),
});

/** Every frame a client may send. */
export const clientFrame = z.discriminatedUnion("type", [
  identify,
  subscribe,
  unsubscribe,
  message,
  edit,
  deleteFrame,
  react,
  unreact,
  typingStart,
  typingStop,
  read,
  ping,
  presenceStatus,
]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type FrameOf<T extends ClientFrame["type"]> = Extract<
  ClientFrame,
  { type: T }
>;

/** Frame types, for a clear "unknown type" error. */
export const clientFrameTypes: ReadonlySet<string> = new Set(
  clientFrame.options.map((o) => o.shape.type.value),
);

/** The result of parsing raw socket text: a frame, or why it is bad (with its ref if readable). */
export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  | { ok: false; message: string; ref?: string; group_id?: string };

/** Parses and validates one text frame. Never throws. */
export function parseClientFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: "Cannot parse frame: not JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, message: "Cannot parse frame: not a JSON object" };
  }
  const obj = raw as Record<string, unknown>;
  const rawRef =
    typeof obj.ref === "string" && obj.ref.length <= limits.maxRefChars
      ? obj.ref
      : undefined;
  if (typeof obj.type !== "string") {
    return {
      ok: false,
      message: "Cannot parse frame: type is missing",
      ref: rawRef,
    };
  }
  if (!clientFrameTypes.has(obj.type)) {
    return {
      ok: false,
      message: `Unknown frame type: ${obj.type.slice(0, 40)}`,
      ref: rawRef,
    };
  }
  const result = clientFrame.safeParse(raw);
  if (result.success) return { ok: true, frame: result.data };
  // §4: an error answering a group's frame names the group, when the frame names one readably.
  const groupId = typeof obj.group_id === "string" && obj.group_id.length <= 64
    ? { group_id: obj.group_id }
    : {};
  return {
    ok: false,
    message: describeIssues(result.error),
    ref: rawRef,
    ...groupId,
  };
}

/** Turns zod issues into one short human sentence. */
export function describeIssues(error: z.ZodError, whole = "frame"): string {
  const first = error.issues.slice(0, 3).map((i) => {
    const path = i.path.length ? i.path.join(".") : whole;
    return `${path}: ${i.message}`;
  });
  return `Invalid ${first.join("; ")}`;
}
