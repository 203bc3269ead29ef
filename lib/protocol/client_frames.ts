/** zod schemas of every client → server frame (PROTOCOL.md §2.2); parsed once at the edge. */
import { z } from "zod";
import { limits } from "./limits.ts";
import {
  attachmentIds,
  hasContent,
  textBesideAttachments,
} from "./attachment_fields.ts";
import { opaqueString } from "./text_rules.ts";

// Ids are ours (letters, digits, `_`, `-`): anything else names nothing and is no store key.
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not an id");
const ref = z.string().max(limits.maxRefChars).optional();
const groupIds = z.array(id).min(1).max(limits.maxGroupIdsPerFrame);

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
  attachment_ids: attachmentIds,
}).refine(hasContent, { message: "text is empty", path: ["text"] });
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

/** Every frame a client may send. */
export const clientFrame = z.discriminatedUnion("type", [
  identify,
  subscribe,
  unsubscribe,
  message,
  typingStart,
  typingStop,
  read,
  ping,
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
  | { ok: false; message: string; ref?: string };

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
  return { ok: false, message: describeIssues(result.error), ref: rawRef };
}

/** Turns zod issues into one short human sentence. */
export function describeIssues(error: z.ZodError, whole = "frame"): string {
  const first = error.issues.slice(0, 3).map((i) => {
    const path = i.path.length ? i.path.join(".") : whole;
    return `${path}: ${i.message}`;
  });
  return `Invalid ${first.join("; ")}`;
}
