/**
 * The read-state sub-port on Deno KV: one number per (group, user), moved forward by a commit
 * checked against the versionstamp it read, so processes sharing the file never move it back.
 */
import { checkReadSeq, type ReadStore } from "./read_store.ts";
import * as keys from "./_kv_keys.ts";
import { commit } from "./_kv_retry.ts";
import {
  getEntry,
  getManyEntries,
  listEntries,
  listLastKeyParts,
} from "./_kv_reads.ts";

/** The `ReadStore` sub-port on one KV handle (shared with its `KvStore`). */
export class KvReadStore implements ReadStore {
  #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  async advance(groupId: string, userId: string, seq: number): Promise<number> {
    checkReadSeq(seq);
    const key = keys.readKey(groupId, userId);
    while (true) {
      const entry = await getEntry<number>(this.#kv, key);
      if (entry.value !== null && entry.value >= seq) return entry.value;
      const res = await commit(this.#kv.atomic().check(entry).set(key, seq));
      if (res.ok) return seq;
    }
  }

  async ofUser(
    userId: string,
    groupIds: string[],
  ): Promise<Map<string, number>> {
    const unique = [...new Set(groupIds)];
    const entries = await getManyEntries<number>(
      this.#kv,
      unique.map((g) => keys.readKey(g, userId)),
    );
    const out = new Map<string, number>();
    for (const [i, entry] of entries.entries()) {
      if (entry.value !== null) out.set(unique[i], entry.value);
    }
    return out;
  }

  async ofGroup(groupId: string): Promise<Map<string, number>> {
    const members = new Set(
      await listLastKeyParts(this.#kv, keys.membersPrefix(groupId)),
    );
    const out = new Map<string, number>();
    const entries = await listEntries<number>(this.#kv, {
      prefix: keys.readsPrefix(groupId),
    });
    for (const entry of entries) {
      const userId = entry.key.at(-1) as string;
      // A former member's position stays stored for a rejoin, but is no member's position.
      if (members.has(userId)) out.set(userId, entry.value);
    }
    return out;
  }
}
