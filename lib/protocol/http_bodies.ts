/** zod schemas of HTTP request bodies and query strings (PROTOCOL.md §1). */
import { z } from "zod";
import { limits } from "./limits.ts";
import {
  attachmentIds,
  hasContent,
  textBesideAttachments,
} from "./attachment_fields.ts";
import {
  descriptionText,
  displayName,
  messageText,
  opaqueString,
} from "./text_rules.ts";

export const credentials = z.object({
  username: z.string().min(3).max(32).regex(
    /^[a-zA-Z0-9_.-]+$/,
    "may only contain letters, digits, _ . and -",
  ),
  password: z.string().min(8).max(256),
});

/**
 * Login accepts any name shape within the register bounds: a name that cannot exist just fails
 * like a wrong one. Beyond the bounds it is a bad request, refused before any store access.
 */
export const loginBody = z.object({
  username: z.string().max(32),
  password: z.string().max(256),
});

export const createGroup = z.object({
  name: displayName(limits.maxGroupNameChars),
  public: z.boolean().optional().default(false),
  description: descriptionText(limits.maxDescriptionChars).optional(),
});

/** §6: `PATCH /api/groups/:id`; at least one field. */
export const updateGroup = z.strictObject({
  name: displayName(limits.maxGroupNameChars).optional(),
  description: descriptionText(limits.maxDescriptionChars).optional(),
  public: z.boolean().optional(),
}).refine(
  (b) => Object.values(b).some((v) => v !== undefined),
  "body needs name, description or public",
);

/** §6: `PUT /api/groups/:id/members/:user_id/role`. */
export const setRole = z.object({ role: z.enum(["admin", "member"]) });

/** §6: `POST /api/dms`; any name shape within the register bounds (an unknown one is 404). */
export const startDm = z.object({ username: z.string().min(1).max(32) });

/** Addition: `PUT /api/groups/:id/mute`. */
export const setMute = z.object({ muted: z.boolean() });

export const joinGroup = z.object({
  invite_code: opaqueString(64).optional(),
});

export const historyQuery = z.object({
  before_seq: z.coerce.number().int().min(1).optional(),
  /** §4: the page after this seq. */
  after_seq: z.coerce.number().int().min(0).optional(),
  /** §4: the page around this seq. */
  around_seq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(limits.historyMaxLimit).optional()
    .default(limits.historyDefaultLimit),
}).refine(
  (q) =>
    [q.before_seq, q.after_seq, q.around_seq].filter((v) => v !== undefined)
      .length <= 1,
  "give at most one of before_seq, after_seq and around_seq",
);

export const sendMessage = z.object({
  // §5: may be empty when the message carries attachments.
  text: textBesideAttachments(limits.maxTextChars),
  nonce: opaqueString(limits.maxNonceChars).nullish(),
  /** §4: the seq of the message this one replies to. */
  reply_to: z.number().int().min(1).optional(),
  attachment_ids: attachmentIds,
}).refine(hasContent, { message: "text is empty", path: ["text"] });

/** §4: `PATCH …/messages/:seq`. */
export const editMessage = z.object({
  text: messageText(limits.maxTextChars),
});

/** A message's seq in a URL. */
export const seqParam = z.coerce.number().int().min(1).max(
  Number.MAX_SAFE_INTEGER,
);
