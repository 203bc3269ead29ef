/** Splits message batches into Deno KV atomic operations that fit its limits. */
import type { Message } from "../protocol/types.ts";
import { estimateMessageBytes } from "./_message_batch.ts";

/** Deno KV allows at most 100 checks per atomic operation: one per message inserted. */
const MAX_MESSAGES_PER_ATOMIC = 100;
/** Deno KV allows 800 KiB of mutations per atomic operation; stay well below it. */
const MAX_BYTES_PER_ATOMIC = 600 * 1024;

/** Splits a batch into chunks that fit one Deno KV atomic operation each. */
export function* atomicChunks(messages: Message[]): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = estimateMessageBytes(m);
    if (
      chunk.length === MAX_MESSAGES_PER_ATOMIC ||
      bytes + size > MAX_BYTES_PER_ATOMIC
    ) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
