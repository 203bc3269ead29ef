/**
 * The attachment sub-port on MongoDB (§5).
 *
 * Why claims are documents of their own: a standalone server has no multi-document transactions,
 * and FerretDB 1.x applies a conditional update as read-modify-write without a lock, so two
 * concurrent "claim if unclaimed" updates can both succeed. An insert into a unique index is the
 * one step both servers make atomic: a claim is the document `{attachment_id, claimant}` in
 * `attachment_claims`, and whoever inserts it first holds the upload. A claim of several uploads
 * inserts in id order and removes what it inserted when one is taken. The sweeper claims an
 * upload too (as `#sweeper`) before deleting it, so a sweep and a send cannot both win.
 */
import type { Collection, Db } from "mongodb";
import type { AttachmentStore, StoredAttachment } from "./attachment_store.ts";
import { collections } from "./_mongo_names.ts";
import { isDuplicate } from "./_mongo_writes.ts";

type AttachmentDoc = Omit<StoredAttachment, "claimed_by"> & {
  /**
   * A hint, not the truth (the claims collection is): true once claimed, so the sweeper's query
   * skips sent uploads instead of reading every one of them on every sweep.
   */
  claimed_hint: boolean;
};
interface ClaimDoc {
  attachment_id: string;
  claimant: string;
}

const hidden = { projection: { _id: 0, claimed_hint: 0 } } as const;
const sweeper = "#sweeper";

/** The `AttachmentStore` sub-port in one database (shared with its `MongoStore`). */
export class MongoAttachmentStore implements AttachmentStore {
  #records: Collection<AttachmentDoc>;
  #claims: Collection<ClaimDoc>;

  constructor(db: Db) {
    this.#records = db.collection(collections.attachments);
    this.#claims = db.collection(collections.attachmentClaims);
  }

  /** Creates the indexes the methods rely on (idempotent). */
  async createIndexes(): Promise<void> {
    await Promise.all([
      this.#records.createIndex({ id: 1 }, { unique: true }),
      this.#records.createIndex({ claimed_hint: 1, created_at: 1, id: 1 }),
      this.#claims.createIndex({ attachment_id: 1 }, { unique: true }),
      this.#claims.createIndex({ attachment_id: 1, claimant: 1 }),
    ]);
  }

  async create(a: StoredAttachment): Promise<void> {
    const { claimed_by, ...record } = a;
    await this.#records.insertOne({ ...record, claimed_hint: false });
    if (claimed_by !== null) await this.claim([a.id], claimed_by);
  }

  async byIds(ids: string[]): Promise<StoredAttachment[]> {
    const docs = await this.#records.find({ id: { $in: ids } }, hidden)
      .toArray();
    const claims = await this.#claimsOf(docs.map((d) => d.id));
    const byId = new Map(docs.map((d) => [d.id, d]));
    return ids.flatMap((id) => {
      const doc = byId.get(id);
      return doc ? [{ ...doc, claimed_by: claims.get(id) ?? null }] : [];
    });
  }

  async claim(ids: string[], claimant: string): Promise<string | null> {
    const inserted: string[] = [];
    for (const id of [...new Set(ids)].sort()) {
      const ok = await this.#insertClaim(id, claimant);
      if (ok === "inserted") inserted.push(id);
      // The record is checked after the claim: a sweep that deleted it first is seen here.
      const exists = ok !== "taken" &&
        await this.#records.countDocuments({ id }, { limit: 1 }) > 0;
      if (!exists) {
        await this.#claims.deleteMany({
          attachment_id: { $in: inserted },
          claimant,
        });
        return id;
      }
    }
    await this.#records.updateMany({ id: { $in: ids } }, {
      $set: { claimed_hint: true },
    });
    return null;
  }

  async release(ids: string[], claimant: string): Promise<void> {
    const { deletedCount } = await this.#claims.deleteMany({
      attachment_id: { $in: ids },
      claimant,
    });
    if (deletedCount > 0) {
      await this.#records.updateMany({ id: { $in: ids } }, {
        $set: { message_seq: null, claimed_hint: false },
      });
    }
  }

  async setSeq(ids: string[], seq: number): Promise<void> {
    await this.#records.updateMany({ id: { $in: ids } }, {
      $set: { message_seq: seq },
    });
  }

  async unclaimed(
    createdBefore: string,
    limit: number,
  ): Promise<StoredAttachment[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    const out: StoredAttachment[] = [];
    const seen = new Set<string>();
    // Pages go by creation time; a claimed upload whose hint was lost is skipped here.
    let from: string | null = null;
    while (out.length < n) {
      const page = await this.#records.find({
        claimed_hint: false,
        created_at: from === null
          ? { $lt: createdBefore }
          : { $gte: from, $lt: createdBefore },
      }, hidden).sort({ created_at: 1, id: 1 }).limit(n + 100).toArray();
      const fresh = page.filter((d) => !seen.has(d.id));
      if (fresh.length === 0) break;
      const claims = await this.#claimsOf(fresh.map((d) => d.id));
      for (const doc of fresh) {
        seen.add(doc.id);
        // A sweep that died between its claim and its delete left `#sweeper`: sweep it again.
        const holder = claims.get(doc.id);
        if ((!holder || holder === sweeper) && out.length < n) {
          out.push({ ...doc, claimed_by: null });
        }
      }
      from = page.at(-1)!.created_at;
    }
    return out;
  }

  async delete(
    id: string,
    { onlyUnclaimed = false }: { onlyUnclaimed?: boolean } = {},
  ): Promise<boolean> {
    if (onlyUnclaimed && await this.#insertClaim(id, sweeper) === "taken") {
      return false;
    }
    const { deletedCount } = await this.#records.deleteOne({ id });
    await this.#claims.deleteMany({ attachment_id: id });
    return deletedCount > 0;
  }

  async #claimsOf(ids: string[]): Promise<Map<string, string>> {
    const docs = await this.#claims.find({ attachment_id: { $in: ids } })
      .toArray();
    return new Map(docs.map((d) => [d.attachment_id, d.claimant]));
  }

  /** Inserts a claim: "inserted", "held" (by `claimant` already) or "taken" (by another). */
  async #insertClaim(
    id: string,
    claimant: string,
  ): Promise<"inserted" | "held" | "taken"> {
    try {
      await this.#claims.insertOne({ attachment_id: id, claimant });
      return "inserted";
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const holder = await this.#claims.findOne({ attachment_id: id });
      return holder?.claimant === claimant ? "held" : "taken";
    }
  }
}
