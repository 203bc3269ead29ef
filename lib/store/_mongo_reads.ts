/**
 * Read positions on MongoDB, insert-only: each position is its own document `{group_id, user_id,
 * seq}` (unique), the highest one is the user's position, and lower ones are pruned.
 *
 * Why not one document moved with `$max`: FerretDB 1.x applies an update as read, modify in its
 * own process, write back, so concurrent updates of one document lose all but one (seen in the
 * contract: 16 kept over 17). An insert never overwrites, and a prune removes only positions below
 * one that exists, so the highest survives any interleaving, on FerretDB and MongoDB alike.
 */
import type { Collection } from "mongodb";
import type { ReadDoc } from "./_mongo_collections.ts";
import { insertUnlessDuplicate } from "./_mongo_writes.ts";

/** Records `seq` as a position of the user in the group; answers the highest stored. */
export async function setReadSeq(
  reads: Collection<ReadDoc>,
  groupId: string,
  userId: string,
  seq: number,
): Promise<number> {
  const key = { group_id: groupId, user_id: userId };
  await insertUnlessDuplicate(reads, { ...key, seq });
  const [top] = await reads.find(key, { projection: { _id: 0, seq: 1 } })
    .sort({ seq: -1 }).limit(1).toArray();
  const highest = top?.seq ?? seq;
  await reads.deleteMany({ ...key, seq: { $lt: highest } });
  return highest;
}

/** The user's positions in `groupIds` (absent = no entry). */
export async function readSeqsOfUser(
  reads: Collection<ReadDoc>,
  userId: string,
  groupIds: string[],
): Promise<Map<string, number>> {
  const docs = await reads.find({
    user_id: userId,
    group_id: { $in: groupIds },
  })
    .toArray();
  return highestBy(docs, (d) => d.group_id);
}

/** Every position in a group, by user; the caller keeps current members only. */
export async function readSeqsOfGroup(
  reads: Collection<ReadDoc>,
  groupId: string,
): Promise<Map<string, number>> {
  const docs = await reads.find({ group_id: groupId }).toArray();
  return highestBy(docs, (d) => d.user_id);
}

/** The highest seq per key: a prune racing a read may leave lower positions visible. */
function highestBy(
  docs: ReadDoc[],
  keyOf: (doc: ReadDoc) => string,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of docs) {
    const key = keyOf(d);
    if (!(d.seq <= (out.get(key) ?? -1))) out.set(key, d.seq);
  }
  return out;
}
