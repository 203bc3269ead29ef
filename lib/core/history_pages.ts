/**
 * History pages (PROTOCOL.md §1 and §4): before a seq (or the newest), after a seq, and around a
 * seq. Every page holds messages in their current state, oldest first.
 */
import type { Message } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";
import { groupHead, loadRange } from "./history.ts";

export interface HistoryPage {
  messages: Message[];
  has_more: boolean;
  has_more_after?: boolean;
}

/** The `limit` messages before `beforeSeq` (or the newest); `has_more`: more before. */
export async function historyPage(
  deps: CoreDeps,
  groupId: string,
  options: { beforeSeq?: number; limit: number },
): Promise<HistoryPage> {
  const head = await groupHead(deps, groupId);
  const end = Math.min(head, (options.beforeSeq ?? Infinity) - 1);
  const start = Math.max(1, end - options.limit + 1);
  const messages = await loadRange(deps, groupId, start, end);
  return { messages, has_more: start > 1 };
}

/** The `limit` messages after `afterSeq`; `has_more`: more after the page. */
export async function pageAfter(
  deps: CoreDeps,
  groupId: string,
  options: { afterSeq: number; limit: number },
): Promise<HistoryPage> {
  const head = await groupHead(deps, groupId);
  const start = options.afterSeq + 1;
  const end = Math.min(head, options.afterSeq + options.limit);
  const messages = await loadRange(deps, groupId, start, end);
  return { messages, has_more: end < head };
}

/**
 * A page holding `aroundSeq` with about half of `limit` before it, shifted at either end so it
 * stays `limit` long when the history allows; `has_more` before, `has_more_after` after.
 */
export async function pageAround(
  deps: CoreDeps,
  groupId: string,
  options: { aroundSeq: number; limit: number },
): Promise<HistoryPage> {
  const head = await groupHead(deps, groupId);
  const { limit } = options;
  const around = Math.min(Math.max(1, options.aroundSeq), Math.max(1, head));
  let start = Math.max(1, around - Math.floor(limit / 2));
  const end = Math.min(head, start + limit - 1);
  start = Math.max(1, Math.min(start, end - limit + 1));
  const messages = await loadRange(deps, groupId, start, end);
  return { messages, has_more: start > 1, has_more_after: end < head };
}
