/**
 * The attachment sub-port on Deno KV (§5). Claims and sweeps race across processes, so
 * each is one atomic commit checked against the versionstamps it read, retried on conflict; reads
 * and commits refused for a locked file are asked again, as everywhere in the KV store.
 */
import type { AttachmentStore, StoredAttachment } from "./attachment_store.ts";
import * as keys from "./_kv_keys.ts";
import {
  getEntry,
  getManyEntries,
  getManyValues,
  listEntries,
} from "./_kv_reads.ts";
import { commit } from "./_kv_retry.ts";

/** The `AttachmentStore` sub-port on one KV handle (shared with its `KvStore`). */
export class KvAttachmentStore implements AttachmentStore {
  constructor(private readonly kv: Deno.Kv) {}

  async create(a: StoredAttachment): Promise<void> {
    const key = keys.attachmentKey(a.id);
    const op = this.kv.atomic().check({ key, versionstamp: null }).set(key, a);
    if (a.claimed_by === null) {
      op.set(keys.unclaimedAttachmentKey(a.created_at, a.id), a.id);
    }
    const res = await commit(op);
    if (!res.ok) throw new Error(`Cannot create attachment ${a.id}: it exists`);
  }

  byIds(ids: string[]): Promise<StoredAttachment[]> {
    return getManyValues<StoredAttachment>(
      this.kv,
      ids.map(keys.attachmentKey),
    );
  }

  async claim(ids: string[], claimant: string): Promise<string | null> {
    const unique = [...new Set(ids)];
    while (true) {
      const entries = await getManyEntries<StoredAttachment>(
        this.kv,
        unique.map(keys.attachmentKey),
      );
      const op = this.kv.atomic();
      for (const [i, entry] of entries.entries()) {
        const a = entry.value;
        if (a === null) return unique[i];
        if (a.claimed_by !== null && a.claimed_by !== claimant) {
          return unique[i];
        }
        op.check(entry)
          .set(entry.key, { ...a, claimed_by: claimant })
          .delete(keys.unclaimedAttachmentKey(a.created_at, a.id));
      }
      if ((await commit(op)).ok) return null;
    }
  }

  async release(ids: string[], claimant: string): Promise<void> {
    await this.#update(
      ids,
      (a) =>
        a.claimed_by === claimant
          ? { ...a, claimed_by: null, message_seq: null }
          : null,
    );
  }

  async setSeq(ids: string[], seq: number): Promise<void> {
    await this.#update(ids, (a) => ({ ...a, message_seq: seq }));
  }

  async unclaimed(
    createdBefore: string,
    limit: number,
  ): Promise<StoredAttachment[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    const entries = await listEntries<string>(this.kv, {
      prefix: keys.unclaimedAttachmentsPrefix,
      end: [...keys.unclaimedAttachmentsPrefix, createdBefore],
    }, { limit: n });
    return await this.byIds(entries.map((entry) => entry.value));
  }

  async delete(
    id: string,
    { onlyUnclaimed = false }: { onlyUnclaimed?: boolean } = {},
  ): Promise<boolean> {
    const key = keys.attachmentKey(id);
    while (true) {
      const entry = await getEntry<StoredAttachment>(this.kv, key);
      const a = entry.value;
      if (a === null) return false;
      if (onlyUnclaimed && a.claimed_by !== null) return false;
      const op = this.kv.atomic().check(entry).delete(key)
        .delete(keys.unclaimedAttachmentKey(a.created_at, a.id));
      if ((await commit(op)).ok) return true;
    }
  }

  /** Applies `change` to each stored record (null = leave it), each atomically. */
  async #update(
    ids: string[],
    change: (a: StoredAttachment) => StoredAttachment | null,
  ): Promise<void> {
    for (const id of new Set(ids)) {
      const key = keys.attachmentKey(id);
      while (true) {
        const entry = await getEntry<StoredAttachment>(this.kv, key);
        if (entry.value === null) break;
        const next = change(entry.value);
        if (next === null) break;
        const op = this.kv.atomic().check(entry).set(key, next);
        const unclaimedKey = keys.unclaimedAttachmentKey(next.created_at, id);
        if (next.claimed_by === null) op.set(unclaimedKey, id);
        if ((await commit(op)).ok) break;
      }
    }
  }
}
