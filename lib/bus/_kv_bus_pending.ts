/**
 * The pending states of the embedded bus (see `bus.ts`): reads, the basis check of a change,
 * the erasure a deletion does, and dropping states the store holds, in batches that raise the
 * group's `prunedRev`. Every write here is, or joins, an atomic commit with versionstamp checks.
 */
import type { GroupEvent } from "../protocol/bus_events.ts";
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";
import { getManyEntries, listEntries } from "../store/_kv_reads.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import { TickBatch } from "../tick_batch.ts";
import { pendingStates, type UpdateBasis } from "./bus.ts";
import {
  nonceKey,
  pendingKey,
  persistedAllPrefix,
  persistedKey,
  persistedPrefix,
  prunedKey,
  recentPrefix,
} from "./_kv_bus_keys.ts";

/** A persisted mark: the rev the store holds, and when it was marked. */
interface Mark {
  rev: number;
  at: number;
}

/** Marks one sweep reads at most. */
const sweepMarks = 5_000;

/** Deno KV checks at most 100 keys per atomic operation. */
const checksPerCommit = 100;

/** Deno KV's `getMany` reads at most 10 keys per call. */
const keysPerRead = 10;

/** Marks written per atomic operation (well within KV's 1000 mutations). */
const marksPerCommit = 500;

/** A change's basis as read: whether it holds, and the checks that keep it holding at commit. */
export interface BasisRead {
  holds(basis: UpdateBasis): boolean;
  check(op: Deno.AtomicOperation): void;
}

export class KvPending {
  /** Persisted marks written per group since its last drop (a hint; the file is the truth). */
  #marks = new Map<string, number>();
  /**
   * The projector asks about every group of its batch at once: their reads share `getMany`
   * calls, and their marks one commit (each still written while its group's lane is held).
   */
  #reads: TickBatch<Deno.KvKey[], Deno.KvEntryMaybe<unknown>[]>;
  #markWrites: TickBatch<Array<[Deno.KvKey, Mark]>, void>;

  constructor(private readonly kv: Deno.Kv) {
    this.#reads = new TickBatch((lists) => this.#readInOrder(lists));
    this.#markWrites = new TickBatch((writes) => this.#writeMarks(writes));
  }

  /**
   * The pending states of `seqs`. `prunedRev` is read in the same snapshot as the first states
   * and never after any of them (a drop in between only conflicts); one read, not two, as the
   * projector calls this for every group of every batch.
   */
  async read(
    groupId: string,
    seqs: number[],
  ): Promise<{ states: Map<number, Message>; prunedRev: number }> {
    const wanted = [...new Set(seqs)].filter(Number.isSafeInteger).slice(
      0,
      pendingStates.maxRead,
    );
    const [pruned, ...entries] = await this.#reads.add([
      prunedKey(groupId),
      ...wanted.map((s) => pendingKey(groupId, s)),
    ]);
    const states = new Map<number, Message>();
    entries.forEach((e, i) => {
      if (e.value) states.set(wanted[i], e.value as Message);
    });
    return { states, prunedRev: (pruned.value as number | null) ?? 0 };
  }

  /** Reads what a change of message `seq` is checked against. */
  async basis(groupId: string, seq: number): Promise<BasisRead> {
    const [pending, pruned] = await retryWhileLocked(() =>
      this.kv.getMany<[Message, number]>([
        pendingKey(groupId, seq),
        prunedKey(groupId),
      ])
    );
    return {
      holds: (basis) =>
        "pendingRev" in basis
          ? pending.value?.rev === basis.pendingRev
          : pending.value === null && (pruned.value ?? 0) === basis.prunedRev,
      check: (op) => op.check(pending, pruned),
    };
  }

  /**
   * The writes that erase a deleted message's earlier copies: every buffered event of it takes
   * the new state (its rev and kind stay), and so does its nonce record. Called in the group's
   * lane, with the commit that follows.
   */
  async erasure(
    groupId: string,
    state: Message,
    bufferAgeMs: number,
  ): Promise<(op: Deno.AtomicOperation) => void> {
    const copies: Deno.KvEntry<GroupEvent>[] = [];
    for await (
      const entry of this.kv.list<GroupEvent>({ prefix: recentPrefix(groupId) })
    ) {
      if (entry.value.message?.seq === state.seq) copies.push(entry);
    }
    const nonce = state.nonce === null ? null : await this.kv.get<Message>(
      nonceKey(groupId, state.author.id, state.nonce),
    );
    // No versionstamp checks: these keys are only written by appends of this group, which run
    // in its lane like this one, and a message may have more copies than a commit may check.
    return (op) => {
      for (const copy of copies) {
        op.set(copy.key, { ...copy.value, message: state }, {
          expireIn: bufferAgeMs,
        });
      }
      if (nonce?.value) {
        op.set(nonce.key, state, { expireIn: limits.nonceTtlMs });
      }
    };
  }

  /** Marks states stored; drops a batch once enough marks have gathered. */
  async markPersisted(
    groupId: string,
    persisted: Array<{ seq: number; rev: number }>,
  ): Promise<void> {
    const entries = await this.#reads.add(
      persisted.map((p) => pendingKey(groupId, p.seq)),
    );
    const marks = persisted.filter((p, i) =>
      (entries[i].value as Message | null)?.rev === p.rev
    );
    const at = Date.now();
    await this.#markWrites.add(
      marks.map((m) => [persistedKey(groupId, m.seq), { rev: m.rev, at }]),
    );
    const count = (this.#marks.get(groupId) ?? 0) + marks.length;
    if (count < pendingStates.pruneBatch) {
      this.#marks.set(groupId, count);
      return;
    }
    await this.drop(groupId);
  }

  /**
   * Reads a tick's key lists with as few `getMany` calls as fit, one after another in order, so
   * a key listed first (a group's `prunedRev`) is never read after the keys behind it.
   */
  async #readInOrder(
    lists: Deno.KvKey[][],
  ): Promise<Deno.KvEntryMaybe<unknown>[][]> {
    const keys = lists.flat();
    const entries: Deno.KvEntryMaybe<unknown>[] = [];
    for (let i = 0; i < keys.length; i += keysPerRead) {
      const chunk = keys.slice(i, i + keysPerRead);
      entries.push(...await retryWhileLocked(() => this.kv.getMany(chunk)));
    }
    let at = 0;
    return lists.map((list) => entries.slice(at, at += list.length));
  }

  /** Writes a tick's marks, of every group, in as few commits as fit. */
  async #writeMarks(writes: Array<Array<[Deno.KvKey, Mark]>>): Promise<void[]> {
    const all = writes.flat();
    for (let i = 0; i < all.length; i += marksPerCommit) {
      const op = this.kv.atomic();
      for (const [key, mark] of all.slice(i, i + marksPerCommit)) {
        op.set(key, mark);
      }
      await retryWhileLocked(() => op.commit());
    }
    return writes.map(() => undefined);
  }

  /** Groups with a mark older than `maxAgeMs` (at most `sweepGroups` of them). */
  async staleGroups(now: number, maxAgeMs: number): Promise<string[]> {
    const groups = new Set<string>();
    const marks = await listEntries<Mark>(this.kv, {
      prefix: persistedAllPrefix,
    }, { limit: sweepMarks });
    for (const entry of marks) {
      if (now - entry.value.at < maxAgeMs) continue;
      groups.add(entry.key.at(-2) as string);
      if (groups.size >= pendingStates.sweepGroups) break;
    }
    return [...groups];
  }

  /** Drops every marked state that still has its marked rev; raises `prunedRev` with them. */
  async drop(groupId: string): Promise<void> {
    this.#marks.delete(groupId);
    const marks = (await listEntries<Mark>(this.kv, {
      prefix: persistedPrefix(groupId),
    })).map((e) => ({ seq: e.key.at(-1) as number, rev: e.value.rev }));
    for (let i = 0; i < marks.length; i += checksPerCommit - 1) {
      const chunk = marks.slice(i, i + checksPerCommit - 1);
      for (;;) {
        const pruned = await retryWhileLocked(() =>
          this.kv.get<number>(prunedKey(groupId))
        );
        const entries = await getManyEntries<Message>(
          this.kv,
          chunk.map((m) => pendingKey(groupId, m.seq)),
        );
        let highest = pruned.value ?? 0;
        const op = this.kv.atomic().check(pruned);
        chunk.forEach((m, j) => {
          op.delete(persistedKey(groupId, m.seq));
          if (entries[j].value?.rev !== m.rev) return;
          op.check(entries[j]).delete(entries[j].key);
          highest = Math.max(highest, m.rev);
        });
        op.set(prunedKey(groupId), highest);
        if ((await retryWhileLocked(() => op.commit())).ok) break;
      }
    }
  }
}
