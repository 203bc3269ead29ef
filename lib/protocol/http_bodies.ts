/** zod schemas of HTTP request bodies and query strings (PROTOCOL.md §1). */
import { z } from "zod";
import { limits } from "./limits.ts";
import {
  attachmentIds,
  hasContent,
  textBesideAttachments,
} from "./attachment_fields.ts";
import { displayName, opaqueString } from "./text_rules.ts";

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
});

export const joinGroup = z.object({
  invite_code: opaqueString(64).optional(),
});

export const historyQuery = z.object({
  before_seq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(limits.historyMaxLimit).optional()
    .default(limits.historyDefaultLimit),
});

export const sendMessage = z.object({
  // §5: may be empty when the message carries attachments.
  text: textBesideAttachments(limits.maxTextChars),
  nonce: opaqueString(limits.maxNonceChars).nullish(),
  attachment_ids: attachmentIds,
}).refine(hasContent, { message: "text is empty", path: ["text"] });
