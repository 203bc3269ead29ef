/**
 * One group's loaded messages as a pure value: sorted by `seq`, one entry per `seq`. Every
 * function returns a new Timeline (or the same one when nothing changed) so signals notice.
 */
import type { Message } from "../protocol/types.ts";

/** A group's messages and the state of its history loading. */
export interface Timeline {
  /** Oldest first; `seq` strictly increasing. */
  readonly messages: readonly Message[];
  /** Older messages exist on the server that are not held here. */
  readonly hasMore: boolean;
  /**
   * Newer messages exist that are not held: the reader jumped back to an old message and the
   * window is detached from the live end until it is scrolled (or jumped) back down.
   */
  readonly hasNewer: boolean;
  /** The newest history page has been loaded over HTTP. */
  readonly loaded: boolean;
  /** A history request is in flight. */
  readonly loading: boolean;
  /** Why the last history request failed, for the reader. */
  readonly error: string | null;
}

/** A group nobody has opened yet. */
export const emptyTimeline: Timeline = {
  messages: [],
  hasMore: false,
  hasNewer: false,
  loaded: false,
  loading: false,
  error: null,
};

/** Index of the first message with `seq >= target` (binary search). */
function lowerBound(messages: readonly Message[], target: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid].seq < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether `next` is a later state of a message than `held` (PROTOCOL.md §4: only a higher
 * `message.rev` replaces a copy). Without revs (a §1 server) messages never change, so the
 * newcomer may replace the copy.
 */
export function isNewerState(next: Message, held: Message): boolean {
  if (next.rev === undefined && held.rev === undefined) return true;
  return (next.rev ?? 0) > (held.rev ?? 0);
}

/** The held copy of message `seq`, if any. */
export function findMessage(t: Timeline, seq: number): Message | undefined {
  const m = t.messages[lowerBound(t.messages, seq)];
  return m?.seq === seq ? m : undefined;
}

/**
 * Adds or replaces one live message. Past `cap` messages the oldest are dropped (and can be
 * loaded again), so a busy group left open for days does not grow without bound. A window
 * detached from the live end does not take new messages: they load with the next page down.
 */
export function insertMessage(t: Timeline, m: Message, cap: number): Timeline {
  const list = t.messages;
  let next: Message[];
  if (list.length === 0 || list[list.length - 1].seq < m.seq) {
    if (t.hasNewer) return t;
    next = [...list, m];
  } else {
    const at = lowerBound(list, m.seq);
    if (list[at]?.seq === m.seq && !isNewerState(m, list[at])) return t;
    next = [...list];
    if (list[at]?.seq === m.seq) next[at] = m;
    else next.splice(at, 0, m);
  }
  if (next.length > cap) {
    return { ...t, messages: next.slice(next.length - cap), hasMore: true };
  }
  return { ...t, messages: next };
}

/** Replaces the held copy of a message with a later state; an unheld message is left alone. */
export function updateMessage(t: Timeline, m: Message): Timeline {
  const at = lowerBound(t.messages, m.seq);
  const held = t.messages[at];
  if (held?.seq !== m.seq || !isNewerState(m, held)) return t;
  const messages = [...t.messages];
  messages[at] = m;
  return { ...t, messages };
}

/** What the server said lies beyond a page: `hasMoreAfter` is known for around/after pages. */
export interface PageBounds {
  hasMore: boolean;
  hasMoreAfter?: boolean;
}

/**
 * Merges one history page (oldest first) into the timeline and marks it loaded. `hasMore`
 * follows the server's answer when the page reaches further back than what was held, and
 * `hasNewer` when it reaches further forward. A page that neither touches nor overlaps the held
 * messages (a jump far back) replaces them, so the timeline never holds a hole.
 */
export function mergePage(
  t: Timeline,
  page: readonly Message[],
  bounds: PageBounds | boolean,
): Timeline {
  const { hasMore, hasMoreAfter } = typeof bounds === "boolean"
    ? { hasMore: bounds }
    : bounds;
  const done = { loaded: true, loading: false, error: null };
  if (!page.length) {
    return { ...t, ...done, hasMore: t.messages.length ? t.hasMore : hasMore };
  }
  const pageOldest = page[0].seq;
  const pageNewest = page[page.length - 1].seq;
  const disjoint = t.messages.length > 0 &&
    (pageNewest + 1 < oldestSeq(t) || pageOldest > newestSeq(t) + 1);
  if (disjoint || !t.messages.length) {
    return {
      ...done,
      messages: [...page],
      hasMore: pageOldest <= 1 ? false : hasMore,
      hasNewer: hasMoreAfter ?? (disjoint ? pageOldest < oldestSeq(t) : false),
    };
  }
  const bySeq = new Map<number, Message>();
  for (const m of page) bySeq.set(m.seq, m);
  // Held copies win unless the page has a later state: live frames may be newer.
  for (const m of t.messages) {
    const other = bySeq.get(m.seq);
    if (!other || !isNewerState(other, m)) bySeq.set(m.seq, m);
  }
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  let more = pageOldest <= oldestSeq(t) ? hasMore : t.hasMore;
  if (messages[0].seq <= 1) more = false;
  const newer = pageNewest >= newestSeq(t) && hasMoreAfter !== undefined
    ? hasMoreAfter
    : t.hasNewer;
  return { ...done, messages, hasMore: more, hasNewer: newer };
}

/** The newest seq held, or 0. */
export function newestSeq(t: Timeline): number {
  return t.messages.length ? t.messages[t.messages.length - 1].seq : 0;
}

/** The oldest seq held, or 0. */
export function oldestSeq(t: Timeline): number {
  return t.messages.length ? t.messages[0].seq : 0;
}

/** Whether `m` continues `prev` (same author within five minutes): drawn without a header. */
export function isContinuation(prev: Message | undefined, m: Message): boolean {
  if (!prev || prev.author.id !== m.author.id || prev.deleted) return false;
  const gap = Date.parse(m.created_at) - Date.parse(prev.created_at);
  return gap >= 0 && gap < 5 * 60_000;
}

/**
 * Who has seen what: maps each message seq to the names of members whose last read position is
 * that message (the newest held message at or below their read seq). The reader is left out, and
 * so is an author whose last read message is their own.
 */
export function seenBy(
  messages: readonly Message[],
  reads: ReadonlyMap<string, number>,
  skipUserId: string | null,
  nameOf: (userId: string) => string,
): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!messages.length) return out;
  for (const [userId, seq] of reads) {
    if (userId === skipUserId) continue;
    const at = lowerBound(messages, seq + 1) - 1;
    // Nobody needs telling that the author has seen their own message.
    if (at < 0 || messages[at].author.id === userId) continue;
    const target = messages[at].seq;
    const names = out.get(target) ?? [];
    names.push(nameOf(userId));
    out.set(target, names);
  }
  for (const names of out.values()) names.sort((a, b) => a.localeCompare(b));
  return out;
}
