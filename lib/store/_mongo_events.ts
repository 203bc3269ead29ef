/**
 * The event-sourced half of the MongoDB store, mirroring `_kv_events.ts`: monotonic message
 * states (a conditional replace; a newer stored state makes the upsert hit the unique index,
 * which is the "skip") and each group's event index under a unique (group_id, rev).
 */
import { type Filter, MongoBulkWriteError, MongoServerError } from "mongodb";
import type { Message } from "../protocol/types.ts";
import type { StoredEvent } from "./store.ts";
import type { StoreCollections } from "./_mongo_collections.ts";
import { firstPerSeq } from "./_message_batch.ts";

const DUPLICATE_KEY = 11000;
const hidden = { projection: { _id: 0 } } as const;

/**
 * Writes each state whose rev is above the stored one's. A filter on a lower rev either matches
 * the stored copy (replaced) or, matching nothing, upserts into the unique (group_id, seq) index:
 * that duplicate key means the stored copy is as new, or has no rev at all (stored before §4),
 * which a second replace on `rev: null` takes over.
 */
export async function upsertStates(
  c: StoreCollections,
  states: Message[],
): Promise<void> {
  firstPerSeq(states);
  if (states.length === 0) return;
  let refused: Message[] = [];
  try {
    await c.messages.bulkWrite(
      states.map((m) => ({
        replaceOne: {
          filter: {
            group_id: m.group_id,
            seq: m.seq,
            rev: { $lt: m.rev ?? 0 },
          },
          replacement: { ...m },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    const failed = [(err as MongoBulkWriteError).writeErrors].flat();
    refused = failed.map((e) => states[e.index]);
  }
  for (const m of refused) {
    // `rev: null` matches a document without the field; the driver's types know no such value.
    const noRev = {
      group_id: m.group_id,
      seq: m.seq,
      rev: null,
    } as unknown as Filter<
      Message
    >;
    await c.messages.replaceOne(noRev, { ...m });
  }
}

/** Adds index entries; an existing (group_id, rev) is kept. */
export async function insertEvents(
  c: StoreCollections,
  events: StoredEvent[],
): Promise<void> {
  if (events.length === 0) return;
  for (const e of events) {
    if (!(Number.isSafeInteger(e.rev) && e.rev >= 1)) {
      throw new TypeError(`Cannot index event: rev ${e.rev} is not positive`);
    }
  }
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

function isDuplicate(err: unknown): boolean {
  if (err instanceof MongoBulkWriteError) {
    const errors = [err.writeErrors].flat();
    return errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY) &&
      err.result.getWriteConcernError() === undefined;
  }
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}
