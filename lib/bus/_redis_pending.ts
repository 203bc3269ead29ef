/**
 * The pending states of the Redis bus (see `bus.ts`): reads, and persisted marks with the drop
 * they may trigger (`persistedLua`). The projector asks about every group of its batch at once;
 * the calls of one tick go out as one pipeline (one write and one reply to parse, instead of a
 * round trip per group). Each group's answer stands on its own.
 */
import type { Redis } from "ioredis";
import type { Message } from "../protocol/types.ts";
import { TickBatch } from "../tick_batch.ts";
import { type PendingStates, pendingStates } from "./bus.ts";
import { busKeys } from "./_keys.ts";
import { unavailable } from "./_redis_client.ts";
import { safeMessage } from "./_redis_handoff.ts";

/** The command client with the `persistedLua` script defined on it. */
export type PersistedScript = {
  salviorisPersisted(...args: (string | number)[]): Promise<number>;
};

interface Read {
  groupId: string;
  seqs: number[];
}

interface Marks {
  groupId: string;
  pairs: string[];
}

type Replies = Array<[Error | null, unknown]> | null;

export class RedisPending {
  #reads = new TickBatch<Read, PendingStates>((reads) => this.#read(reads));
  #marks = new TickBatch<Marks, void>((marks) => this.#mark(marks));

  constructor(private readonly redis: Redis & PersistedScript) {}

  /** The pending states of `seqs` in `groupId` and its `prunedRev`. */
  read(groupId: string, seqs: number[]): Promise<PendingStates> {
    const wanted = [...new Set(seqs)].slice(0, pendingStates.maxRead);
    return this.#reads.add({ groupId, seqs: wanted });
  }

  /** Marks states stored (the script drops a batch once enough marks have gathered). */
  markPersisted(
    groupId: string,
    persisted: Array<{ seq: number; rev: number }>,
  ): Promise<void> {
    const pairs = persisted.flatMap((p) => [String(p.seq), String(p.rev)]);
    return this.#marks.add({ groupId, pairs });
  }

  /** Runs `persistedLua` for one group; `batch` 0 drops whatever is marked (the sweep). */
  persisted(groupId: string, batch: number, pairs: string[]): Promise<number> {
    return this.redis.salviorisPersisted(
      ...persistedArgs(groupId, batch, pairs),
    );
  }

  /**
   * `prunedRev` is read before the states, in order on one connection though not atomically: a
   * drop in between only makes the caller's basis conflict (see `bus.ts`), as a drop after the
   * read would.
   */
  async #read(reads: Read[]): Promise<PendingStates[]> {
    const pipeline = this.redis.pipeline();
    for (const { groupId, seqs } of reads) {
      pipeline.get(busKeys.pruned(groupId));
      if (seqs.length > 0) {
        pipeline.hmget(busKeys.pending(groupId), ...seqs.map(String));
      }
    }
    const replies = checked(
      await pipeline.exec(),
      "Cannot read pending states",
    );
    let at = 0;
    return reads.map(({ seqs }) => {
      const prunedRev = Number(replies[at++] ?? 0);
      const raw = seqs.length > 0 ? replies[at++] as (string | null)[] : [];
      const states = new Map<number, Message>();
      raw.forEach((json, i) => {
        const state = json === null ? null : safeMessage(json);
        if (state) states.set(seqs[i], state);
      });
      return { states, prunedRev };
    });
  }

  async #mark(marks: Marks[]): Promise<void[]> {
    const pipeline = this.redis.pipeline() as unknown as PersistedScript & {
      exec(): Promise<Replies>;
    };
    for (const { groupId, pairs } of marks) {
      pipeline.salviorisPersisted(
        ...persistedArgs(groupId, pendingStates.pruneBatch, pairs),
      );
    }
    checked(await pipeline.exec(), "Cannot mark states persisted");
    return marks.map(() => undefined);
  }
}

function persistedArgs(
  groupId: string,
  batch: number,
  pairs: string[],
): (string | number)[] {
  return [
    busKeys.pending(groupId),
    busKeys.persisted(groupId),
    busKeys.pruned(groupId),
    busKeys.markedGroups,
    batch,
    groupId,
    ...pairs,
  ];
}

/** The replies of a pipeline, or `unavailable` when it or any command in it failed. */
function checked(replies: Replies, what: string): unknown[] {
  const failed = replies?.find(([err]) => err);
  if (!replies || failed) throw unavailable(what, failed?.[0]);
  return replies.map(([, value]) => value);
}
