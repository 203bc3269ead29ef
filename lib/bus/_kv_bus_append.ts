/**
 * One append of the embedded bus as one Deno KV atomic commit, and the remembered seq counters
 * that let it read nothing first.
 *
 * The commit checks the counter's versionstamp (check-and-set), that the nonce and the hand-off
 * entry are unused, and writes: the counter, the nonce record (expiring with the nonce TTL), the
 * message in the recovery buffer (expiring with its max age; the entry that falls out of the
 * buffer is deleted in the same commit, so the buffer never holds more than its bound), the
 * message in the hand-off, and one more in the backlog count. It goes through `KvCommits`, which
 * may send it in one commit with other groups' appends: all of it still lands together or not.
 */
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";
import { getManyEntries } from "../store/_kv_reads.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import { recoveryBuffer } from "./bus.ts";
import { KvCommits } from "./_kv_bus_commits.ts";
import {
  backlogKey,
  handoffKey,
  nonceKey,
  recentKey,
  seqKey,
} from "./_kv_bus_keys.ts";

/** A group's counter as last read or written: the seq and the versionstamp to check. */
export interface Counter {
  seq: number | null;
  versionstamp: string | null;
}

/** Groups whose counter is remembered; the least recently used is read again when needed. */
const rememberedCounters = 10_000;

/** Reads what an append must check, and commits it. */
export class KvAppender {
  #counters = new Map<string, Counter>();
  #commits: KvCommits;

  constructor(private readonly kv: Deno.Kv) {
    this.#commits = new KvCommits(kv);
  }

  /** The last seq of a group as remembered, or undefined when it must be read. */
  known(groupId: string): number | null | undefined {
    return this.#counters.get(groupId)?.seq;
  }

  /**
   * The group's counter and the nonce's first message. While the counter is remembered nothing
   * is read: the commit checks that the nonce is unused, and a refused commit forgets the
   * counter, so the next attempt reads both (in one call) and finds the duplicate.
   */
  async read(
    message: Pick<Message, "group_id" | "author" | "nonce">,
  ): Promise<{ counter: Counter; prior: Message | null }> {
    const g = message.group_id;
    const known = this.#counters.get(g);
    if (known) return { counter: known, prior: null };
    const nonce = nonceOf(message);
    const keys = nonce ? [seqKey(g), nonce] : [seqKey(g)];
    const [seq, first] = await getManyEntries<unknown>(this.kv, keys);
    const counter = {
      seq: seq.value as number | null,
      versionstamp: seq.versionstamp,
    };
    this.#remember(g, counter);
    return { counter, prior: (first?.value as Message | undefined) ?? null };
  }

  /** The first message sent with this nonce, or null (none, or no nonce). */
  async prior(
    message: Pick<Message, "group_id" | "author" | "nonce">,
  ): Promise<Message | null> {
    const nonce = nonceOf(message);
    if (nonce === null) return null;
    return (await retryWhileLocked(() => this.kv.get<Message>(nonce))).value;
  }

  /**
   * Commits `message` as hand-off entry `entry` if the counter is still `counter`; answers false
   * (and forgets the counter) when another writer got there first.
   */
  async commit(
    message: Message,
    counter: Counter,
    entry: number,
  ): Promise<boolean> {
    const g = message.group_id;
    const nonce = nonceOf(message);
    const result = await this.#commits.commit((op) => {
      op.check({ key: seqKey(g), versionstamp: counter.versionstamp })
        .check({ key: handoffKey(entry), versionstamp: null })
        .set(seqKey(g), message.seq)
        .set(recentKey(g, message.seq), message, {
          expireIn: recoveryBuffer.maxAgeMs,
        })
        .set(handoffKey(entry), message)
        .sum(backlogKey, 1n);
      if (message.seq > recoveryBuffer.maxMessages) {
        op.delete(recentKey(g, message.seq - recoveryBuffer.maxMessages));
      }
      if (nonce) {
        op.check({ key: nonce, versionstamp: null })
          .set(nonce, message, { expireIn: limits.nonceTtlMs });
      }
    });
    if (!result.ok) {
      this.#counters.delete(g);
      return false;
    }
    this.#remember(g, { seq: message.seq, versionstamp: result.versionstamp });
    return true;
  }

  /** Remembers a counter, forgetting the least recently used one beyond the bound. */
  #remember(groupId: string, counter: Counter): void {
    this.#counters.delete(groupId);
    this.#counters.set(groupId, counter);
    if (this.#counters.size > rememberedCounters) {
      this.#counters.delete(this.#counters.keys().next().value!);
    }
  }
}

function nonceOf(
  m: Pick<Message, "group_id" | "author" | "nonce">,
): Deno.KvKey | null {
  return m.nonce === null ? null : nonceKey(m.group_id, m.author.id, m.nonce);
}
