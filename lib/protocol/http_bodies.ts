/** zod schemas of HTTP request bodies and query strings (PROTOCOL.md §1). */
import { z } from "zod";
import { messageText } from "./client_frames.ts";
import { limits } from "./limits.ts";

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
  text: messageText,
  nonce: z.string().min(1).max(limits.maxNonceChars).nullish(),
  /** §4: the seq of the message this one replies to. */
  reply_to: z.number().int().min(1).optional(),
});

/** §4: `PATCH …/messages/:seq`. */
export const editMessage = z.object({ text: messageText });

/** A message's seq in a URL. */
export const seqParam = z.coerce.number().int().min(1).max(
  Number.MAX_SAFE_INTEGER,
);
