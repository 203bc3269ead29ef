/** §5 fields shared by the socket `message` frame and the HTTP send body. */
import { z } from "zod";
import { limits } from "./limits.ts";
import { messageTextProblem, opaqueString } from "./text_rules.ts";

/** `attachment_ids`: at most 10 upload ids. */
export const attachmentIds = z.array(opaqueString(64))
  .max(limits.maxAttachmentsPerMessage).optional();

/**
 * A message's text that may be empty (then `hasContent` asks for attachments); text that is not
 * empty follows the same rules as any message text.
 */
export function textBesideAttachments(max: number) {
  return z.string().max(max * 4).transform((s) => s.trim()).pipe(
    z.string().max(max).superRefine((s, ctx) => {
      const why = s === "" ? null : messageTextProblem(s);
      if (why) ctx.addIssue({ code: "custom", message: `text ${why}` });
    }),
  );
}

/** A message needs text unless it carries at least one attachment. */
export function hasContent(
  m: { text: string; attachment_ids?: string[] },
): boolean {
  return m.text.length > 0 || (m.attachment_ids?.length ?? 0) > 0;
}
