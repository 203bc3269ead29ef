/** §5 fields shared by the socket `message` frame and the HTTP send body. */
import { z } from "zod";
import { limits } from "./limits.ts";

/** `attachment_ids`: at most 10 upload ids. */
export const attachmentIds = z.array(z.string().min(1).max(64))
  .max(limits.maxAttachmentsPerMessage).optional();

/** A message needs text unless it carries at least one attachment. */
export function hasContent(
  m: { text: string; attachment_ids?: string[] },
): boolean {
  return m.text.length > 0 || (m.attachment_ids?.length ?? 0) > 0;
}
