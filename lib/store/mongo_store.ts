/**
 * The `Store` port on MongoDB, mirroring `kv_store.ts` method by method. Unique indexes carry
 * the rules that KV enforces with versionstamp checks, so several processes may share a database.
 */
import {
  type Collection,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type OptionalUnlessRequiredId,
} from "mongodb";
import type { Message, User } from "../protocol/types.ts";
import type {
  Store,
  StoredAttachment,
  StoredGroup,
  StoredSession,
  StoredUser,
} from "./store.ts";
import { MongoAttachments } from "./_mongo_attachments.ts";
import {
  createIndexes,
  type StoreCollections,
  storeCollections,
} from "./_mongo_collections.ts";
import { checkReadSeq, firstPerSeq } from "./_message_batch.ts";

/** Options of `MongoStore.open`. */
export interface MongoStoreOptions {
  /** The database; the one named in the URI when absent. */
  dbName?: string;
  /** How long an operation waits for a reachable server; MongoDB's own default is 30 s. */
  serverSelectionTimeoutMS?: number;
}

const DUPLICATE_KEY = 11000;
const hidden = { projection: { _id: 0 } } as const;

/** The `Store` port on MongoDB. */
export class MongoStore implements Store {
  #client: MongoClient;
  #c: StoreCollections;
  #attachments: MongoAttachments;

  private constructor(
    client: MongoClient,
    c: StoreCollections,
    attachments: MongoAttachments,
  ) {
    this.#client = client;
    this.#c = c;
    this.#attachments = attachments;
  }

  /** Connects to `uri` and creates the indexes the contract relies on. */
  static async open(
    uri: string,
    options: MongoStoreOptions = {},
  ): Promise<MongoStore> {
    const client = new MongoClient(uri, {
      // Optional Message fields must stay absent, not come back as null.
      ignoreUndefined: true,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    });
    try {
      await client.connect();
      const c = storeCollections(client.db(options.dbName));
      const attachments = new MongoAttachments(client.db(options.dbName));
      await Promise.all([createIndexes(c), attachments.createIndexes()]);
      return new MongoStore(client, c, attachments);
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  async createUser(user: StoredUser): Promise<boolean> {
    const doc = { ...user, username_lower: user.username.toLowerCase() };
    return await insertUnlessDuplicate(this.#c.users, doc);
  }

  async userById(id: string): Promise<StoredUser | null> {
    return await this.#c.users.findOne({ id }, userProjection);
  }

  async userByName(username: string): Promise<StoredUser | null> {
    return await this.#c.users.findOne(
      { username_lower: username.toLowerCase() },
      userProjection,
    );
  }

  async usersByIds(ids: string[]): Promise<User[]> {
    const projection = { _id: 0, id: 1, username: 1 };
    return await this.#c.users.find({ id: { $in: ids } }, { projection })
      .toArray();
  }

  async createSession(
    tokenHash: string,
    session: StoredSession,
  ): Promise<void> {
    const doc = {
      ...session,
      token_hash: tokenHash,
      expires_at_date: new Date(session.expires_at),
    };
    await this.#c.sessions.replaceOne({ token_hash: tokenHash }, doc, {
      upsert: true,
    });
  }

  async sessionByTokenHash(tokenHash: string): Promise<StoredSession | null> {
    const doc = await this.#c.sessions.findOne(
      { token_hash: tokenHash },
      sessionProjection,
    );
    return doc && isLive(doc) ? doc : null;
  }

  async deleteSession(tokenHash: string): Promise<StoredSession | null> {
    const doc = await this.#c.sessions.findOneAndDelete(
      { token_hash: tokenHash },
      sessionProjection,
    );
    return doc && isLive(doc) ? doc : null;
  }

  async createGroup(group: StoredGroup): Promise<void> {
    // Standalone servers have no multi-document transactions. The owner's membership is written
    // first, so whoever can see the group also sees its owner as a member.
    const owner = { group_id: group.id, user_id: group.owner_id };
    const membership = { ...owner, joined_at: new Date() };
    if (!await insertUnlessDuplicate(this.#c.memberships, membership)) {
      throw groupExists(group.id);
    }
    try {
      await this.#c.groups.insertOne({ ...group });
    } catch (err) {
      // Best effort: a membership left behind names a group nobody can see or list.
      await this.#c.memberships.deleteOne(owner).catch(() => {});
      throw isDuplicate(err) ? groupExists(group.id) : err;
    }
  }

  async groupById(id: string): Promise<StoredGroup | null> {
    return await this.#c.groups.findOne({ id }, hidden);
  }

  async publicGroups(limit: number): Promise<StoredGroup[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    return await this.#c.groups.find({ public: true }, hidden)
      .sort({ created_at: -1, id: -1 }).limit(n).toArray();
  }

  async addMember(groupId: string, userId: string): Promise<boolean> {
    const doc = { group_id: groupId, user_id: userId, joined_at: new Date() };
    return await insertUnlessDuplicate(this.#c.memberships, doc);
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const res = await this.#c.memberships.deleteOne({
      group_id: groupId,
      user_id: userId,
    });
    return res.deletedCount === 1;
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    const filter = { group_id: groupId, user_id: userId };
    return await this.#c.memberships.countDocuments(filter, { limit: 1 }) > 0;
  }

  async groupsOfUser(userId: string): Promise<StoredGroup[]> {
    // Within one millisecond, ObjectIds from one process grow with each insert.
    const ids = (await this.#c.memberships.find({ user_id: userId })
      .sort({ joined_at: 1, _id: 1 }).toArray()).map((m) => m.group_id);
    const groups = await this.#c.groups.find({ id: { $in: ids } }, hidden)
      .toArray();
    const byId = new Map(groups.map((g) => [g.id, g]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async memberIds(groupId: string): Promise<string[]> {
    const projection = { _id: 0, user_id: 1 };
    const docs = await this.#c.memberships.find({ group_id: groupId }, {
      projection,
    }).toArray();
    return docs.map((m) => m.user_id);
  }

  async insertMessages(messages: Message[]): Promise<void> {
    // Copies: the driver writes an `_id` into the documents it is given.
    const docs = firstPerSeq(messages).map((m) => ({ ...m }));
    if (docs.length === 0) return;
    try {
      await this.#c.messages.insertMany(docs, { ordered: false });
    } catch (err) {
      // Duplicates are messages stored already: skipping them is the contract.
      if (!isDuplicate(err)) throw err;
    }
  }

  async messagesInRange(
    groupId: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<Message[]> {
    if (!(fromSeq <= toSeq)) return [];
    return await this.#c.messages.find({
      group_id: groupId,
      seq: { $gte: fromSeq, $lte: toSeq },
    }, hidden)
      .sort({ seq: 1 }).toArray();
  }

  async headSeq(groupId: string): Promise<number> {
    const last = await this.#c.messages.findOne({ group_id: groupId }, {
      sort: { seq: -1 },
      projection: { _id: 0, seq: 1 },
    });
    return last?.seq ?? 0;
  }

  async setReadSeq(
    groupId: string,
    userId: string,
    seq: number,
  ): Promise<number> {
    checkReadSeq(seq);
    const filter = { group_id: groupId, user_id: userId };
    // Two first writes may race to upsert; the loser's retry then updates the winner's document.
    for (let attempt = 1;; attempt++) {
      try {
        const doc = await this.#c.reads.findOneAndUpdate(filter, {
          $max: { seq },
        }, {
          upsert: true,
          returnDocument: "after",
        });
        return doc?.seq ?? seq;
      } catch (err) {
        if (attempt >= 3 || !isDuplicate(err)) throw err;
      }
    }
  }

  async readSeqsOfUser(
    userId: string,
    groupIds: string[],
  ): Promise<Map<string, number>> {
    const docs = await this.#c.reads.find({
      user_id: userId,
      group_id: { $in: groupIds },
    }).toArray();
    return new Map(docs.map((d) => [d.group_id, d.seq]));
  }

  async readSeqsOfGroup(groupId: string): Promise<Map<string, number>> {
    const [members, docs] = await Promise.all([
      this.memberIds(groupId),
      this.#c.reads.find({ group_id: groupId }).toArray(),
    ]);
    // A former member's position stays stored for a rejoin, but is no member's position.
    const current = new Set(members);
    return new Map(
      docs.filter((d) => current.has(d.user_id)).map((d) => [d.user_id, d.seq]),
    );
  }

  createAttachment(attachment: StoredAttachment): Promise<void> {
    return this.#attachments.create(attachment);
  }

  attachmentsByIds(ids: string[]): Promise<StoredAttachment[]> {
    return this.#attachments.byIds(ids);
  }

  claimAttachments(ids: string[], claimant: string): Promise<string | null> {
    return this.#attachments.claim(ids, claimant);
  }

  releaseAttachments(ids: string[], claimant: string): Promise<void> {
    return this.#attachments.release(ids, claimant);
  }

  setAttachmentsSeq(ids: string[], seq: number): Promise<void> {
    return this.#attachments.setSeq(ids, seq);
  }

  unclaimedAttachments(
    createdBefore: string,
    limit: number,
  ): Promise<StoredAttachment[]> {
    return this.#attachments.unclaimed(createdBefore, limit);
  }

  deleteAttachment(
    id: string,
    options: { onlyUnclaimed?: boolean } = {},
  ): Promise<boolean> {
    return this.#attachments.delete(id, options.onlyUnclaimed ?? false);
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#client.db().command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

const userProjection = { projection: { _id: 0, username_lower: 0 } } as const;
const sessionProjection = {
  projection: { _id: 0, token_hash: 0, expires_at_date: 0 },
} as const;

function groupExists(id: string): Error {
  return new Error(`Cannot create group: id ${id} exists`);
}

function isLive(session: StoredSession): boolean {
  // An unparsable expiry counts as expired: NaN compares false.
  return Date.parse(session.expires_at) > Date.now();
}

/** Inserts a copy of `doc`; false when a unique index already holds its key. */
async function insertUnlessDuplicate<T extends object>(
  collection: Collection<T>,
  doc: T,
): Promise<boolean> {
  try {
    // Our documents carry no `_id`, so a copy of one is what the driver's type asks for.
    await collection.insertOne({ ...doc } as OptionalUnlessRequiredId<T>);
    return true;
  } catch (err) {
    if (isDuplicate(err)) return false;
    throw err;
  }
}

/** True for duplicate-key errors only: a bulk error counts when all its write errors are. */
function isDuplicate(err: unknown): boolean {
  if (err instanceof MongoBulkWriteError) {
    const errors = [err.writeErrors].flat();
    return errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY) &&
      err.result.getWriteConcernError() === undefined;
  }
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}
