/**
 * Reading a group's messages by seq. Persistence is asynchronous, so the newest messages may still
 * be on their way to the store: reads merge the store with the bus's recovery buffer, which makes
 * the history page, the replay and the live events agree on every seq.
 */
import type { Message } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";

/** Most messages a `since` replay serves before it answers `resync`. */
export const maxReplay = 1000;

/** The last seq of a group: the bus's counter when it has one, else the store's. */
export async function groupHead(
  deps: CoreDeps,
  groupId: string,
): Promise<number> {
  const fromBus = await deps.bus.headSeq(groupId);
  return fromBus ?? await deps.store.headSeq(groupId);
}

/** Messages with `fromSeq <= seq <= toSeq`, ascending, from the buffer and the store. */
export async function loadRange(
  deps: CoreDeps,
  groupId: string,
  fromSeq: number,
  toSeq: number,
): Promise<Message[]> {
  if (toSeq < fromSeq) return [];
  const buffered = (await deps.bus.recent(groupId, fromSeq - 1)).filter((m) =>
    m.seq <= toSeq
  );
  const firstBuffered = buffered[0]?.seq ?? toSeq + 1;
  const stored = firstBuffered > fromSeq
    ? await deps.store.messagesInRange(groupId, fromSeq, firstBuffered - 1)
    : [];
  return [...stored, ...buffered];
}

/** One history page, oldest first: the `limit` messages before `beforeSeq` (or the newest). */
export async function historyPage(
  deps: CoreDeps,
  groupId: string,
  options: { beforeSeq?: number; limit: number },
): Promise<{ messages: Message[]; has_more: boolean }> {
  const head = await groupHead(deps, groupId);
  const end = Math.min(head, (options.beforeSeq ?? Infinity) - 1);
  const start = Math.max(1, end - options.limit + 1);
  const messages = await loadRange(deps, groupId, start, end);
  return { messages, has_more: start > 1 };
}

/**
 * The messages after `afterSeq` up to `head`, or null when they cannot all be served (too many,
 * or a hole neither the buffer nor the store can fill): the client must `resync`.
 */
export async function missedMessages(
  deps: CoreDeps,
  groupId: string,
  afterSeq: number,
  head: number,
): Promise<Message[] | null> {
  if (afterSeq > head) return null;
  if (afterSeq === head) return [];
  if (head - afterSeq > maxReplay) return null;
  const messages = await loadRange(deps, groupId, afterSeq + 1, head);
  const contiguous = messages.length === head - afterSeq &&
    messages.every((m, i) => m.seq === afterSeq + 1 + i);
  return contiguous ? messages : null;
}
