/**
 * One event of the embedded bus as one Deno KV atomic commit, and the remembered counters that
 * let most appends read nothing before committing.
 *
 * The commit checks the group's counters' versionstamp (check-and-set) and that the hand-off
 * entry is unused, and writes: the counters `{ seq, rev }`, the message's pending state, the
 * event in the recovery buffer by rev (expiring with its max age; the event that falls out of the
 * buffer is deleted in the same commit, so it never holds more than its bound), the hand-off
 * reference, and one more in the backlog count. The caller's `prepare` adds its own checks and
 * writes (the nonce record of a new message; a change's basis checks and erasure). It goes
 * through `KvCommits`, which may send it in one commit with other groups' appends: all of it
 * still lands together or not.
 */
import type { GroupEvent } from "../protocol/bus_events.ts";
import type { Message } from "../protocol/types.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import { type EventRef, type Floors, recoveryBuffer } from "./bus.ts";
import { KvCommits } from "./_kv_bus_commits.ts";
import {
  backlogKey,
  handoffKey,
  headKey,
  pendingKey,
  recentKey,
} from "./_kv_bus_keys.ts";

/** A group's counters as stored under `headKey`. */
export interface Counters {
  seq: number;
  rev: number;
}

/** A group's counters as last read or written, and the versionstamp to check. */
export interface Head {
  seq: number | null;
  rev: number | null;
  versionstamp: string | null;
}

/** One event to commit: its kind, the message state after it, and the caller's extra writes. */
export interface Step {
  kind: GroupEvent["kind"];
  message: Message;
  prepare(op: Deno.AtomicOperation): void;
}

/** Groups whose counters are remembered; the least recently used is read again when needed. */
const rememberedHeads = 10_000;

/** Reads the counters an append checks, and commits events. */
export class KvAppender {
  #heads = new Map<string, Head>();
  #commits: KvCommits;

  constructor(private readonly kv: Deno.Kv) {
    this.#commits = new KvCommits(kv);
  }

  /** The group's counters if remembered. */
  known(groupId: string): Head | undefined {
    return this.#heads.get(groupId);
  }

  /**
   * Remembers counters read elsewhere (a batched read) unless newer ones are known: a stale value
   * costs no correctness, since a commit checks the versionstamp and forgets it when refused.
   */
  learn(groupId: string, entry: Deno.KvEntryMaybe<Counters>): void {
    if (this.#heads.has(groupId)) return;
    this.#remember(groupId, {
      seq: entry.value?.seq ?? null,
      rev: entry.value?.rev ?? null,
      versionstamp: entry.versionstamp,
    });
  }

  /** The group's counters, remembered or read. */
  async head(groupId: string): Promise<Head> {
    const known = this.#heads.get(groupId);
    if (known) return known;
    const entry = await retryWhileLocked(() =>
      this.kv.get<{ seq: number; rev: number }>(headKey(groupId))
    );
    const head: Head = {
      seq: entry.value?.seq ?? null,
      rev: entry.value?.rev ?? null,
      versionstamp: entry.versionstamp,
    };
    this.#remember(groupId, head);
    return head;
  }

  /**
   * Commits the step as hand-off entry `entry` if the counters are still `head`; answers the
   * event, or null (forgetting the counters) when another writer got there first.
   */
  async commit(
    head: Head,
    next: { seq: number; rev: number },
    step: Step,
    entry: number,
  ): Promise<GroupEvent | null> {
    const g = step.message.group_id;
    const { seq } = step.message;
    const event = {
      kind: step.kind,
      group_id: g,
      rev: next.rev,
      message: step.message,
    } as GroupEvent;
    const ref: EventRef = { group_id: g, seq, rev: next.rev, kind: step.kind };
    const result = await this.#commits.commit((op) => {
      op.check({ key: headKey(g), versionstamp: head.versionstamp })
        .check({ key: handoffKey(entry), versionstamp: null })
        .set(headKey(g), next)
        .set(recentKey(g, next.rev), event, {
          expireIn: recoveryBuffer.maxAgeMs,
        })
        .set(pendingKey(g, seq), step.message)
        .set(handoffKey(entry), ref)
        .sum(backlogKey, 1n);
      if (next.rev > recoveryBuffer.maxEvents) {
        op.delete(recentKey(g, next.rev - recoveryBuffer.maxEvents));
      }
      step.prepare(op);
    });
    if (!result.ok) {
      this.#heads.delete(g);
      return null;
    }
    this.#remember(g, { ...next, versionstamp: result.versionstamp });
    return event;
  }

  /** Remembers counters, forgetting the least recently used beyond the bound. */
  #remember(groupId: string, head: Head): void {
    this.#heads.delete(groupId);
    this.#heads.set(groupId, head);
    if (this.#heads.size > rememberedHeads) {
      this.#heads.delete(this.#heads.keys().next().value!);
    }
  }
}

/** The next seq and rev; null when a counter is missing and no floor is given. */
export function nextCounters(
  head: Head,
  floors: Floors,
  newMessage: boolean,
): { seq: number; rev: number } | null {
  const given = floors.floorSeq !== undefined || floors.floorRev !== undefined;
  if ((head.seq === null || head.rev === null) && !given) return null;
  const seq = Math.max(head.seq ?? 0, floors.floorSeq ?? 0);
  const rev = Math.max(head.rev ?? 0, floors.floorRev ?? 0);
  return { seq: newMessage ? seq + 1 : seq, rev: rev + 1 };
}
