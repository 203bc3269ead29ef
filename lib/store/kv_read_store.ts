/**
 * The read-state sub-port on Deno KV: one number per (group, user), moved forward by a commit
 * checked against the versionstamp it read, so processes sharing the file never move it back.
 * The moves of one tick share that read and commit (`_kv_read_positions.ts`).
 */
import { checkReadSeq, type ReadStore } from "./read_store.ts";
import * as keys from "./_kv_keys.ts";
import { KvReadPositions } from "./_kv_read_positions.ts";
import { getManyEntries, listEntries, listLastKeyParts } from "./_kv_reads.ts";

/** The `ReadStore` sub-port on one KV handle (shared with its `KvStore`). */
export class KvReadStore implements ReadStore {
  #kv: Deno.Kv;
  #positions: KvReadPositions;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
    this.#positions = new KvReadPositions(kv);
  }

  async advance(
    groupId: string,
    userId: string,
    seq: number,
  ): Promise<number> {
    checkReadSeq(seq);
    return await this.#positions.advance(keys.readKey(groupId, userId), seq);
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
