/**
 * Which messages count as unread and as mentions of the reader (PROTOCOL.md §4 "Read state"),
 * as pure functions, so the model keeps its counts exact as messages arrive, change and are
 * deleted.
 */
import type { Message } from "../protocol/types.ts";

/** What the counts depend on besides the message. */
export interface CountContext {
  meId: string | null;
  /** The reader's read position in the group. */
  lastReadSeq: number;
  /** In a direct conversation every unread message counts as a mention. */
  isDm: boolean;
}

/** Whether a message is unread to the reader: by someone else, after the read position, not deleted. */
export function isUnread(m: Message, ctx: CountContext): boolean {
  return !m.deleted && m.author.id !== ctx.meId && m.seq > ctx.lastReadSeq;
}

/** Whether an unread message mentions the reader. */
export function isUnreadMention(m: Message, ctx: CountContext): boolean {
  if (!isUnread(m, ctx)) return false;
  return ctx.isDm || (!!ctx.meId && (m.mentions ?? []).includes(ctx.meId));
}

/** How much a message adds to the counts; `held` is the copy it replaces, if any. */
export interface CountDelta {
  unread: number;
  mentions: number;
}

/** The change to the unread and mention counts when `before` becomes `after`. */
export function countDelta(
  before: Message,
  after: Message,
  ctx: CountContext,
): CountDelta {
  return {
    unread: Number(isUnread(after, ctx)) - Number(isUnread(before, ctx)),
    mentions: Number(isUnreadMention(after, ctx)) -
      Number(isUnreadMention(before, ctx)),
  };
}
