/**
 * The read-state sub-port on MongoDB, insert-only: each position is its own document `{group_id, user_id,
 * seq}` (unique), the highest one is the user's position, and lower ones are pruned.
 *
 * Why not one document moved with `$max`: FerretDB 1.x applies an update as read, modify in its
 * own process, write back, so concurrent updates of one document lose all but one (seen in the
 * contract: 16 kept over 17). An insert never overwrites, and a prune removes only positions below
 * one that exists, so the highest survives any interleaving, on FerretDB and MongoDB alike.
 */
import type { Collection } from "mongodb";
import { checkReadSeq, type ReadStore } from "./read_store.ts";
import type { MembershipDoc, ReadDoc } from "./_mongo_collections.ts";
import { insertUnlessDuplicate } from "./_mongo_writes.ts";

/** The `ReadStore` sub-port on the store's collections (shared with its `MongoStore`). */
export class MongoReadStore implements ReadStore {
  #reads: Collection<ReadDoc>;
  #memberships: Collection<MembershipDoc>;

  constructor(
    c: { reads: Collection<ReadDoc>; memberships: Collection<MembershipDoc> },
  ) {
    this.#reads = c.reads;
    this.#memberships = c.memberships;
  }

  /** Records `seq` as a position of the user in the group; answers the highest stored. */
  async advance(groupId: string, userId: string, seq: number): Promise<number> {
    checkReadSeq(seq);
    const key = { group_id: groupId, user_id: userId };
    await insertUnlessDuplicate(this.#reads, { ...key, seq });
    const [top] = await this.#reads.find(key, {
      projection: { _id: 0, seq: 1 },
    }).sort({ seq: -1 }).limit(1).toArray();
    const highest = top?.seq ?? seq;
    await this.#reads.deleteMany({ ...key, seq: { $lt: highest } });
    return highest;
  }

  async ofUser(
    userId: string,
    groupIds: string[],
  ): Promise<Map<string, number>> {
    const docs = await this.#reads.find({
      user_id: userId,
      group_id: { $in: groupIds },
    }).toArray();
    return highestBy(docs, (d) => d.group_id);
  }

  async ofGroup(groupId: string): Promise<Map<string, number>> {
    const projection = { _id: 0, user_id: 1 };
    const [members, docs] = await Promise.all([
      this.#memberships.find({ group_id: groupId }, { projection }).toArray(),
      this.#reads.find({ group_id: groupId }).toArray(),
    ]);
    // A former member's position stays stored for a rejoin, but is no member's position.
    const current = new Set(members.map((m) => m.user_id));
    const positions = highestBy(docs, (d) => d.user_id);
    return new Map([...positions].filter(([user]) => current.has(user)));
  }
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
