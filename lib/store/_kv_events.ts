/**
 * The event-sourced half of the KV store: monotonic message states and each group's event index.
 * Processes sharing one KV file may write the same message at once, so every state write checks
 * the versionstamp it read, and a lost race is re-read and decided again.
 */
import type { Message } from "../protocol/types.ts";
import type { StoredEvent } from "./store.ts";
import * as keys from "./_kv_keys.ts";
import { getManyEntries } from "./_kv_reads.ts";
import { retryWhileLocked } from "./_kv_retry.ts";
import { checkEvent, newestPerSeq } from "./_message_batch.ts";
import { atomicChunks } from "./_kv_batches.ts";

/** Index entries per atomic commit (well within KV's 1000 mutations). */
const eventsPerCommit = 500;

/** Writes each state whose rev is above the stored one's. */
export async function upsertStates(
  kv: Deno.Kv,
  states: Message[],
): Promise<void> {
  for (const chunk of atomicChunks(newestPerSeq(states))) {
    let pending = chunk;
    while (pending.length > 0) {
      const entries = await getManyEntries<Message>(
        kv,
        pending.map((m) => keys.messageKey(m.group_id, m.seq)),
      );
      const writes = pending.flatMap((m, i) =>
        (entries[i].value?.rev ?? 0) < (m.rev ?? 0)
          ? [{ m, e: entries[i] }]
          : []
      );
      if (writes.length === 0) break;
      const op = kv.atomic();
      for (const { m, e } of writes) op.check(e).set(e.key, m);
      if ((await retryWhileLocked(() => op.commit())).ok) break;
      pending = writes.map((w) => w.m);
    }
  }
}

/** Adds index entries; an existing rev is overwritten with the same content. */
export async function insertEvents(
  kv: Deno.Kv,
  events: StoredEvent[],
): Promise<void> {
  events.forEach(checkEvent);
  for (let i = 0; i < events.length; i += eventsPerCommit) {
    const op = kv.atomic();
    for (const e of events.slice(i, i + eventsPerCommit)) {
      op.set(keys.eventKey(e.group_id, e.rev), { seq: e.seq, kind: e.kind });
    }
    await retryWhileLocked(() => op.commit());
  }
}

/** Up to `limit` index entries above `afterRev`, ascending. */
export async function eventsAfter(
  kv: Deno.Kv,
  groupId: string,
  afterRev: number,
  limit: number,
): Promise<StoredEvent[]> {
  const n = Math.floor(limit);
  if (!(n > 0)) return [];
  const out: StoredEvent[] = [];
  const iter = kv.list<Omit<StoredEvent, "group_id" | "rev">>({
    start: keys.eventKey(groupId, Math.max(0, Math.floor(afterRev)) + 1),
    end: keys.eventKey(groupId, Number.MAX_SAFE_INTEGER),
  }, { limit: n });
  for await (const entry of iter) {
    out.push({
      group_id: groupId,
      rev: entry.key.at(-1) as number,
      ...entry.value,
    });
  }
  return out;
}

/** The highest indexed rev of a group, 0 when none. */
export async function headRev(kv: Deno.Kv, groupId: string): Promise<number> {
  const iter = kv.list({ prefix: keys.eventsPrefix(groupId) }, {
    reverse: true,
    limit: 1,
  });
  for await (const entry of iter) return entry.key.at(-1) as number;
  return 0;
}

/** The stored messages among `seqs`. */
export async function messagesBySeqs(
  kv: Deno.Kv,
  groupId: string,
  seqs: number[],
): Promise<Message[]> {
  const unique = [...new Set(seqs)].filter((s) => Number.isSafeInteger(s));
  const entries = await getManyEntries<Message>(
    kv,
    unique.map((s) => keys.messageKey(groupId, s)),
  );
  return entries.flatMap((e) => e.value === null ? [] : [e.value]);
}
