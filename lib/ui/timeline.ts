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
 * Adds or replaces one live message. Past `cap` messages the oldest are dropped (and can be
 * loaded again), so a busy group left open for days does not grow without bound.
 */
export function insertMessage(t: Timeline, m: Message, cap: number): Timeline {
  const list = t.messages;
  let next: Message[];
  if (list.length === 0 || list[list.length - 1].seq < m.seq) {
    next = [...list, m];
  } else {
    const at = lowerBound(list, m.seq);
    next = [...list];
    if (list[at]?.seq === m.seq) next[at] = m;
    else next.splice(at, 0, m);
  }
  if (next.length > cap) {
    return { ...t, messages: next.slice(next.length - cap), hasMore: true };
  }
  return { ...t, messages: next };
}

/**
 * Merges one history page (oldest first) into the timeline and marks it loaded. `hasMore`
 * follows the server's answer when the page reaches further back than what was held.
 */
export function mergePage(
  t: Timeline,
  page: readonly Message[],
  hasMore: boolean,
): Timeline {
  const bySeq = new Map<number, Message>();
  for (const m of page) bySeq.set(m.seq, m);
  // Held messages win: they may be newer copies (live frames) of the same seq.
  for (const m of t.messages) bySeq.set(m.seq, m);
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const pageOldest = page.length ? page[0].seq : Infinity;
  const heldOldest = t.messages.length ? t.messages[0].seq : Infinity;
  let more = pageOldest <= heldOldest ? hasMore : t.hasMore;
  if (messages.length && messages[0].seq <= 1) more = false;
  return { messages, hasMore: more, loaded: true, loading: false, error: null };
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
