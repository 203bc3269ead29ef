/**
 * The durable hand-off of the embedded bus: references to events waiting for the store (no
 * text), as numbered Deno KV keys written in the same atomic commit as the append, read in
 * batches and deleted on ack.
 *
 * Why ordered keys and not Deno KV queues (`enqueue`/`listenQueue`): the port hands out batches
 * (`readHandoff(max)`) that the projector writes to the store in one go and acknowledges
 * together; a queue hands out one message per callback, retries it on its own schedule and
 * drops it after its last retry unless told otherwise. Keys numbered in append order keep the
 * batch, keep each group's messages in seq order (the store relies on it: its head is its last
 * message), and make the backlog countable, so `append` can refuse before it grows past a bound.
 *
 * One process owns a KV file's embedded bus (its events are delivered in-process only). Entries
 * handed to a consumer are remembered in memory until acknowledged; after a crash nothing is
 * remembered, so every unacknowledged entry is read again by the next process: at least once.
 */
import { ChatError } from "../protocol/errors.ts";
import { getManyEntries, listEntries } from "../store/_kv_reads.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import type { EventRef, HandoffEntry } from "./bus.ts";
import { backlogKey, handoffKey, handoffPrefix } from "./_kv_bus_keys.ts";

/** Most entries one read returns or one acknowledgement commit deletes. */
export const maxHandoffBatch = 1000;
/** Deno KV allows 100 checks per atomic operation: one per acknowledged entry not read here. */
const maxAckPerCommit = 100;
/** Wrapping addition of 2^64 - n subtracts n from a `Deno.KvU64`. */
const u64 = 1n << 64n;
const entryId = /^[1-9]\d{0,14}$/;

/** An entry handed to a consumer and not yet acknowledged. */
interface Taken {
  at: number;
  versionstamp: string;
}

export class KvHandoff {
  /** Unacknowledged entries, mirrored from `backlogKey` so appends need not read it. */
  backlog: number;
  #next: number;
  #taken = new Map<number, Taken>();
  #wakeReaders = new Set<() => void>();

  private constructor(
    private readonly kv: Deno.Kv,
    private readonly claimIdleMs: number,
    backlog: number,
    next: number,
  ) {
    this.backlog = backlog;
    this.#next = next;
  }

  /** Reads the backlog count and the last entry number from the file. */
  static async load(kv: Deno.Kv, claimIdleMs: number): Promise<KvHandoff> {
    const count =
      (await retryWhileLocked(() => kv.get<Deno.KvU64>(backlogKey))).value;
    return new KvHandoff(
      kv,
      claimIdleMs,
      Number(count?.value ?? 0n),
      await lastEntry(kv) + 1,
    );
  }

  /**
   * Takes the number of the entry an append is about to write. Appends of different groups
   * commit side by side, so each takes its own number before committing; one whose commit is
   * refused leaves a gap, which costs nothing. A group's appends take theirs one after another,
   * so its entries are numbered in seq order.
   */
  reserve(): number {
    return this.#next++;
  }

  /** Records that an append committed its entry (one more waits) and wakes waiting readers. */
  appended(): void {
    this.backlog++;
    for (const wake of this.#wakeReaders) wake();
  }

  /** After a refused commit: another writer may have used the number, so skip past its entries. */
  async resync(): Promise<void> {
    this.#next = Math.max(this.#next, await lastEntry(this.kv) + 1);
  }

  /**
   * Entries not handed to anyone (or handed longer than `claimIdleMs` ago), oldest first; waits
   * up to `blockMs` for an append when there are none.
   */
  async read(
    consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]> {
    if (consumer.length === 0) {
      throw new ChatError(
        "bad_request",
        "Cannot read the hand-off: consumer is empty",
      );
    }
    const count = Math.max(1, Math.min(maxHandoffBatch, Math.floor(max) || 1));
    const entries = await this.#take(count);
    if (entries.length > 0 || !(blockMs > 0)) return entries;
    await this.#wait(blockMs);
    return await this.#take(count);
  }

  /** Deletes acknowledged entries and counts them out of the backlog, in one commit per chunk. */
  async ack(ids: string[]): Promise<void> {
    const bad = ids.find((id) => !entryId.test(id));
    if (bad !== undefined) {
      throw new ChatError(
        "bad_request",
        `Cannot acknowledge "${bad}": not a hand-off entry id`,
      );
    }
    const entries = [...new Set(ids.map(Number))];
    for (let i = 0; i < entries.length; i += maxAckPerCommit) {
      await this.#ackChunk(entries.slice(i, i + maxAckPerCommit));
    }
  }

  /** Wakes every waiting reader (at close). */
  wakeAll(): void {
    for (const wake of this.#wakeReaders) wake();
  }

  async #take(count: number): Promise<HandoffEntry[]> {
    const limit = count + this.#taken.size;
    const now = Date.now();
    const seen = new Set<number>();
    const out: HandoffEntry[] = [];
    const listed = await listEntries<EventRef>(
      this.kv,
      { prefix: handoffPrefix },
      { limit },
    );
    for (const entry of listed) {
      const n = entry.key.at(-1) as number;
      seen.add(n);
      const taken = this.#taken.get(n);
      if (out.length >= count || (taken && now - taken.at < this.claimIdleMs)) {
        continue;
      }
      this.#taken.set(n, { at: now, versionstamp: entry.versionstamp });
      out.push({ id: String(n), event: entry.value });
    }
    if (seen.size < limit) {
      // The listing reached the end: a remembered entry it did not see is gone.
      for (const n of this.#taken.keys()) {
        if (!seen.has(n)) this.#taken.delete(n);
      }
    }
    return out;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeReaders.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeReaders.add(done);
    });
  }

  /**
   * Each delete checks the entry's versionstamp, so the backlog count only loses entries that
   * existed, even if two acknowledgements of one entry race. Entries this process handed out
   * carry the versionstamp they were read with, so acknowledging them reads nothing.
   */
  async #ackChunk(entries: number[]): Promise<void> {
    let known = new Map<number, string>();
    for (const n of entries) {
      const taken = this.#taken.get(n);
      if (taken) known.set(n, taken.versionstamp);
    }
    for (;;) {
      const stamps = new Map(known);
      const unknown = entries.filter((n) => !known.has(n));
      for (
        const entry of await getManyEntries(this.kv, unknown.map(handoffKey))
      ) {
        if (entry.versionstamp === null) continue;
        stamps.set(entry.key.at(-1) as number, entry.versionstamp);
      }
      const op = this.kv.atomic();
      for (const [n, versionstamp] of stamps) {
        op.check({ key: handoffKey(n), versionstamp }).delete(handoffKey(n));
      }
      if (stamps.size > 0) op.sum(backlogKey, u64 - BigInt(stamps.size));
      if ((await retryWhileLocked(() => op.commit())).ok) {
        for (const n of entries) this.#taken.delete(n);
        this.backlog = Math.max(0, this.backlog - stamps.size);
        return;
      }
      // Another acknowledgement deleted one of them first: read them all again.
      known = new Map();
    }
  }
}

/** The number of the newest hand-off entry, or 0 when there is none. */
async function lastEntry(kv: Deno.Kv): Promise<number> {
  const [last] = await listEntries(kv, { prefix: handoffPrefix }, {
    reverse: true,
    limit: 1,
  });
  return (last?.key.at(-1) as number | undefined) ?? 0;
}
