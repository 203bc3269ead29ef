/** zod schemas of HTTP request bodies and query strings (PROTOCOL.md §1). */
import { z } from "zod";
import { limits } from "./limits.ts";
import { attachmentIds, hasContent } from "./attachment_fields.ts";

export const credentials = z.object({
  username: z.string().min(3).max(32).regex(
    /^[a-zA-Z0-9_.-]+$/,
    "may only contain letters, digits, _ . and -",
  ),
  password: z.string().min(8).max(256),
});

/** Login accepts any name shape: a name that cannot exist just fails like a wrong one. */
export const loginBody = z.object({
  username: z.string(),
  password: z.string(),
});

export const createGroup = z.object({
  name: z.string().transform((s) => s.trim()).pipe(
    z.string().min(1, "name is empty").max(limits.maxGroupNameChars),
  ),
  public: z.boolean().optional().default(false),
});

export const joinGroup = z.object({
  invite_code: z.string().min(1).max(64).optional(),
});

export const historyQuery = z.object({
  before_seq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(limits.historyMaxLimit).optional()
    .default(limits.historyDefaultLimit),
});

export const sendMessage = z.object({
  text: z.string().max(limits.maxTextChars * 4).transform((s) => s.trim()).pipe(
    z.string().max(limits.maxTextChars),
  ),
  nonce: z.string().min(1).max(limits.maxNonceChars).nullish(),
  /** §5: the sender's unused uploads to this group. */
  attachment_ids: attachmentIds,
}).refine(hasContent, { message: "text is empty", path: ["text"] });
