/**
 * The event-sourced half of the MongoDB store, mirroring `_kv_events.ts`: monotonic message
 * states (compare-and-set on the stored rev) and each group's event index under a unique
 * (group_id, rev).
 */
import type { AnyBulkWriteOperation, Filter } from "mongodb";
import type { Message } from "../protocol/types.ts";
import type { StoredEvent } from "./store.ts";
import type { StoreCollections } from "./_mongo_collections.ts";
import { checkEvent, newestPerSeq } from "./_message_batch.ts";
import { isDuplicate } from "./_mongo_writes.ts";

const hidden = { projection: { _id: 0 } } as const;

/**
 * Writes each state whose rev is above the stored one's. The stored revs are read first, then
 * every write is a compare-and-set on the rev read (`rev: null` matches a copy stored without
 * one, before §4) or an insert where nothing was stored. Not an unordered bulk write that skips
 * its duplicate-key failures: FerretDB stops such a batch at its first failure, and the writes
 * after it would be lost. When any compare-and-set finds the copy changed meanwhile, or an insert
 * meets one written meanwhile, each state of the batch is decided again, alone.
 */
export async function upsertStates(
  c: StoreCollections,
  states: Message[],
): Promise<void> {
  const newest = newestPerSeq(states);
  if (newest.length === 0) return;
  const stored = await storedRevs(c, newest);
  const ops: AnyBulkWriteOperation<Message>[] = [];
  let replaces = 0;
  for (const m of newest) {
    const key = JSON.stringify([m.group_id, m.seq]);
    if (!stored.has(key)) ops.push({ insertOne: { document: { ...m } } });
    else if ((stored.get(key) ?? 0) < (m.rev ?? 0)) {
      ops.push({
        replaceOne: {
          filter: casFilter(m, stored.get(key)),
          replacement: { ...m },
        },
      });
      replaces++;
    }
  }
  if (ops.length === 0) return;
  try {
    const result = await c.messages.bulkWrite(ops, { ordered: true });
    if (result.matchedCount === replaces) return;
  } catch (err) {
    if (!isDuplicate(err)) throw err;
  }
  for (const m of newest) await upsertOne(c, m);
}

/** One state, decided against whatever is stored now; retried while others write it too. */
async function upsertOne(c: StoreCollections, m: Message): Promise<void> {
  for (;;) {
    const [stored] = await c.messages.find(
      { group_id: m.group_id, seq: m.seq },
      { projection: { _id: 0, rev: 1 } },
    ).toArray();
    if (!stored) {
      try {
        await c.messages.insertOne({ ...m });
        return;
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        continue;
      }
    }
    if ((stored.rev ?? 0) >= (m.rev ?? 0)) return;
    const result = await c.messages.replaceOne(casFilter(m, stored.rev), {
      ...m,
    });
    if (result.matchedCount === 1) return;
  }
}

/** The stored rev (undefined: stored without one) of each message of the batch that exists. */
async function storedRevs(
  c: StoreCollections,
  states: Message[],
): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  const byGroup = Map.groupBy(states, (m) => m.group_id);
  for (const [groupId, list] of byGroup) {
    const docs = await c.messages.find(
      { group_id: groupId, seq: { $in: list.map((m) => m.seq) } },
      { projection: { _id: 0, seq: 1, rev: 1 } },
    ).toArray();
    for (const d of docs) out.set(JSON.stringify([groupId, d.seq]), d.rev);
  }
  return out;
}

/** Matches the stored copy only while it still has the rev read (`null`: none). */
function casFilter(m: Message, rev: number | undefined): Filter<Message> {
  // `rev: null` matches a document without the field; the driver's types know no such value.
  return {
    group_id: m.group_id,
    seq: m.seq,
    rev: rev ?? null,
  } as unknown as Filter<
    Message
  >;
}

/** Adds index entries; an existing (group_id, rev) is kept. */
export async function insertEvents(
  c: StoreCollections,
  events: StoredEvent[],
): Promise<void> {
  if (events.length === 0) return;
  events.forEach(checkEvent);
  try {
    await c.events.insertMany(events.map((e) => ({ ...e })), {
      ordered: false,
    });
  } catch (err) {
    if (!isDuplicate(err)) throw err;
  }
}

/** Up to `limit` index entries above `afterRev`, ascending. */
export async function eventsAfter(
  c: StoreCollections,
  groupId: string,
  afterRev: number,
  limit: number,
): Promise<StoredEvent[]> {
  const n = Math.floor(limit);
  if (!(n > 0)) return [];
  return await c.events.find({ group_id: groupId, rev: { $gt: afterRev } }, {
    projection: { _id: 0, group_id: 1, rev: 1, seq: 1, kind: 1 },
  }).sort({ rev: 1 }).limit(n).toArray();
}

/** The highest indexed rev of a group, 0 when none. */
export async function headRev(
  c: StoreCollections,
  groupId: string,
): Promise<number> {
  const last = await c.events.findOne({ group_id: groupId }, {
    sort: { rev: -1 },
    projection: { _id: 0, rev: 1 },
  });
  return last?.rev ?? 0;
}

/** The stored messages among `seqs`. */
export async function messagesBySeqs(
  c: StoreCollections,
  groupId: string,
  seqs: number[],
): Promise<Message[]> {
  if (seqs.length === 0) return [];
  return await c.messages.find({
    group_id: groupId,
    seq: { $in: [...new Set(seqs)] },
  }, hidden).toArray();
}
