/**
 * The highest stored seq of many groups at once, for a socket's `ready`, which asks for every
 * group of its user. MongoDB answers one aggregate, sorted along the `{group_id, seq}` index
 * (backwards) and taking each group's first, with one index seek a group (a DISTINCT_SCAN).
 *
 * FerretDB 1.24 implements neither `$first` nor `$max` in `$group`. Once the server answers that
 * it does not implement the aggregate, this store asks one query a group (in parallel, as
 * `headSeq` does) from then on; FerretDB evaluates those filters in its own process anyway (see
 * `tests/contracts/store_mongo_indexes_test.ts`).
 */
import { type Collection, MongoServerError } from "mongodb";
import type { Message } from "../protocol/types.ts";

/** MongoDB's code for a command or stage the server does not implement. */
const notImplemented = 238;

export class MongoHeads {
  #aggregates = true;

  constructor(private readonly messages: Collection<Message>) {}

  /** The highest stored seq of one group, 0 when it has none. */
  async headSeq(groupId: string): Promise<number> {
    const last = await this.messages.findOne({ group_id: groupId }, {
      sort: { seq: -1 },
      projection: { _id: 0, seq: 1 },
    });
    return last?.seq ?? 0;
  }

  /** An entry for every id given: its highest stored seq, 0 for a group without messages. */
  async headSeqs(groupIds: string[]): Promise<Map<string, number>> {
    const ids = [...new Set(groupIds)];
    if (ids.length === 0) return new Map();
    if (this.#aggregates) {
      try {
        return await this.#aggregate(ids);
      } catch (err) {
        if (!isNotImplemented(err)) throw err;
        this.#aggregates = false;
      }
    }
    const heads = await Promise.all(ids.map((id) => this.headSeq(id)));
    return new Map(ids.map((id, i) => [id, heads[i]]));
  }

  async #aggregate(ids: string[]): Promise<Map<string, number>> {
    const heads = new Map(ids.map((id) => [id, 0]));
    const found = await this.messages.aggregate<{ _id: string; seq: number }>([
      { $match: { group_id: { $in: ids } } },
      { $sort: { group_id: -1, seq: -1 } },
      { $group: { _id: "$group_id", seq: { $first: "$seq" } } },
    ]).toArray();
    for (const { _id, seq } of found) heads.set(_id, seq);
    return heads;
  }
}

function isNotImplemented(err: unknown): boolean {
  return err instanceof MongoServerError &&
    (err.code === notImplemented || /not implemented/i.test(err.message));
}
