/**
 * Checks shared by every adapter's `insertMessages`, `upsertStates` and `insertEvents`, so that all
 * of them refuse the same input.
 */
import type { Message } from "../protocol/types.ts";
import type { StoredEvent } from "./store.ts";

/** The largest message any adapter keeps: Deno KV's value limit, far above 4000 chars of text. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Validates a whole batch before anything is written (bad input changes nothing) and keeps the
 * first message of each (group_id, seq), as a store that already held it would.
 */
export function firstPerSeq(messages: Message[]): Message[] {
  const seen = new Set<string>();
  const out: Message[] = [];
  for (const m of messages) {
    if (!Number.isSafeInteger(m.seq) || m.seq < 1) {
      throw new TypeError(
        `Cannot insert message ${m.id}: seq ${m.seq} is not a positive integer`,
      );
    }
    if (estimateMessageBytes(m) > MAX_MESSAGE_BYTES) {
      throw new RangeError(
        `Cannot insert message ${m.id}: it is larger than 64 KiB`,
      );
    }
    const id = JSON.stringify([m.group_id, m.seq]);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(m);
    }
  }
  return out;
}

/** An upper bound of a message's stored size with its key: V8 stores ≤ 2 bytes per UTF-16 unit. */
export function estimateMessageBytes(m: Message): number {
  return 2 * (JSON.stringify(m).length + m.group_id.length) + 256;
}

/** Validates the batch (as `firstPerSeq` does) and keeps the newest state (highest rev) per message. */
export function newestPerSeq(states: Message[]): Message[] {
  firstPerSeq(states);
  const newest = new Map<string, Message>();
  for (const m of states) {
    const id = JSON.stringify([m.group_id, m.seq]);
    const seen = newest.get(id);
    if (!seen || (seen.rev ?? 0) < (m.rev ?? 0)) newest.set(id, m);
  }
  return [...newest.values()];
}

/** Refuses an event index entry whose rev or seq is not a positive integer. */
export function checkEvent(e: StoredEvent): void {
  if (!Number.isSafeInteger(e.rev) || e.rev < 1) {
    throw new TypeError(`Cannot index event: rev ${e.rev} is not positive`);
  }
  if (!Number.isSafeInteger(e.seq) || e.seq < 1) {
    throw new TypeError(`Cannot index event: seq ${e.seq} is not positive`);
  }
}
