/** Checks shared by every adapter's `insertMessages`, so that all of them refuse the same input. */
import type { Message } from "../protocol/types.ts";

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
