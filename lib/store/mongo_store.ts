/**
 * The `Store` port on MongoDB, mirroring `kv_store.ts` method by method. Unique indexes carry
 * the rules that KV enforces with versionstamp checks, so several processes may share a database.
 *
 * The indexes, and which method's query each serves, are listed at `createIndexes`
 * (`_mongo_collections.ts`); `tests/contracts/store_mongo_indexes_test.ts` checks every query.
 *
 * Tested against FerretDB 1.24 (SQLite backend), never against MongoDB itself: see README.
 */
import { type Document, MongoClient } from "mongodb";
import type { Message, Role, User } from "../protocol/types.ts";
import type {
  GroupChanges,
  Leave,
  Store,
  StoredEvent,
  StoredGroup,
  StoredMember,
  StoredSession,
  StoredUser,
} from "./store.ts";
import * as events from "./_mongo_events.ts";
import { MongoAttachmentStore } from "./mongo_attachment_store.ts";
import {
  createIndexes,
  type StoreCollections,
  storeCollections,
} from "./_mongo_collections.ts";
import { firstPerSeq } from "./_message_batch.ts";
import { MongoReadStore } from "./mongo_read_store.ts";
import * as roles from "./_mongo_roles.ts";
import * as invites from "./_mongo_invites.ts";
import * as owners from "./_mongo_owners.ts";
import { MongoSessions } from "./_mongo_sessions.ts";
import { MongoHeads } from "./_mongo_heads.ts";
import { insertUnlessDuplicate, isDuplicate } from "./_mongo_writes.ts";

/** Options of `MongoStore.open`. */
export interface MongoStoreOptions {
  /** The database; the one named in the URI when absent. */
  dbName?: string;
  /** How long an operation waits for a reachable server; MongoDB's own default is 30 s. */
  serverSelectionTimeoutMS?: number;
  /** Sees every command sent, as sent (tests check that each query has its index). */
  onCommand?: (command: Document) => void;
}

const hidden = { projection: { _id: 0 } } as const;

/** The `Store` port on MongoDB. */
export class MongoStore implements Store {
  readonly attachments: MongoAttachmentStore;
  readonly reads: MongoReadStore;
  #client: MongoClient;
  #c: StoreCollections;
  #sessions: MongoSessions;
  #heads: MongoHeads;

  private constructor(
    client: MongoClient,
    c: StoreCollections,
    ttl: boolean,
    attachments: MongoAttachmentStore,
  ) {
    this.#client = client;
    this.#c = c;
    this.#sessions = new MongoSessions(c.sessions, ttl);
    this.#heads = new MongoHeads(c.messages);
    this.attachments = attachments;
    this.reads = new MongoReadStore(c);
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
      monitorCommands: options.onCommand !== undefined,
    });
    const onCommand = options.onCommand;
    if (onCommand) client.on("commandStarted", (e) => onCommand(e.command));
    try {
      await client.connect();
      const c = storeCollections(client.db(options.dbName));
      const attachments = new MongoAttachmentStore(client.db(options.dbName));
      const [ttl] = await Promise.all([
        createIndexes(c),
        attachments.createIndexes(),
      ]);
      return new MongoStore(client, c, ttl, attachments);
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

  createSession(tokenHash: string, session: StoredSession): Promise<void> {
    return this.#sessions.create(tokenHash, session);
  }

  sessionByTokenHash(tokenHash: string): Promise<StoredSession | null> {
    return this.#sessions.byTokenHash(tokenHash);
  }

  deleteSession(tokenHash: string): Promise<StoredSession | null> {
    return this.#sessions.delete(tokenHash);
  }

  async createGroup(group: StoredGroup): Promise<void> {
    // No multi-document transactions (standalone MongoDB, FerretDB 1.x), so the order makes it
    // safe: the owner's membership first, the group second. A crash between the two leaves a
    // membership of a group that does not exist, whose id nobody was told: readers skip it
    // (groupsOfUser), and nothing lists it. The other order could leave an ownerless group.
    const owner = { group_id: group.id, user_id: group.owner_id };
    const membership = {
      ...owner,
      joined_at: new Date(),
      role: "owner" as const,
    };
    if (!await insertUnlessDuplicate(this.#c.memberships, membership)) {
      throw groupExists(group.id);
    }
    try {
      await this.#c.groups.insertOne({ ...group });
    } catch (err) {
      if (!isDuplicate(err)) {
        // The insert may have been applied before the connection failed: removing the
        // membership now could leave that group without its owner. An orphan membership is inert.
        throw err;
      }
      // Another group holds this id: the membership just written is ours, not its owner's.
      await this.#c.memberships.deleteOne(owner).catch(() => {});
      throw groupExists(group.id);
    }
  }

  async groupById(id: string): Promise<StoredGroup | null> {
    const group = await this.#c.groups.findOne({ id }, hidden);
    return group && (await this.#current([group]))[0];
  }

  async publicGroups(limit: number): Promise<StoredGroup[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    const groups = await this.#c.groups.find({ public: true }, hidden)
      .sort({ created_at: -1, id: -1 }).limit(n).toArray();
    return await this.#current(groups);
  }

  async updateGroup(
    id: string,
    changes: GroupChanges,
  ): Promise<StoredGroup | null> {
    if (!await this.groupById(id)) return null;
    await invites.applyChanges(this.#c, id, changes);
    return await this.groupById(id);
  }

  async createDm(
    group: StoredGroup,
    memberIds: [string, string],
  ): Promise<StoredGroup> {
    await roles.createDm(this.#c, group, memberIds);
    const stored = await this.groupById(group.id);
    if (!stored) throw new Error(`Cannot create direct group ${group.id}`);
    return stored;
  }

  async addMember(groupId: string, userId: string): Promise<boolean> {
    const doc = {
      group_id: groupId,
      user_id: userId,
      joined_at: new Date(),
      role: "member" as const,
    };
    return await insertUnlessDuplicate(this.#c.memberships, doc);
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const res = await this.#c.memberships.deleteOne({
      group_id: groupId,
      user_id: userId,
    });
    return res.deletedCount === 1;
  }

  leaveGroup(groupId: string, userId: string): Promise<Leave> {
    return owners.leaveGroup(this.#c, groupId, userId);
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
    const byId = new Map(
      (await this.#current(groups)).map((g) => [g.id, g]),
    );
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async memberIds(groupId: string): Promise<string[]> {
    const projection = { _id: 0, user_id: 1 };
    const docs = await this.#c.memberships.find({ group_id: groupId }, {
      projection,
    }).toArray();
    return docs.map((m) => m.user_id);
  }

  roleOf(groupId: string, userId: string): Promise<Role | null> {
    return roles.roleOf(this.#c, groupId, userId);
  }

  members(groupId: string): Promise<StoredMember[]> {
    return roles.members(this.#c, groupId);
  }

  setRole(groupId: string, userId: string, role: Role): Promise<boolean> {
    return roles.setRole(this.#c, groupId, userId, role);
  }

  addBan(groupId: string, userId: string): Promise<void> {
    return roles.addBan(this.#c, groupId, userId);
  }

  removeBan(groupId: string, userId: string): Promise<boolean> {
    return roles.removeBan(this.#c, groupId, userId);
  }

  isBanned(groupId: string, userId: string): Promise<boolean> {
    return roles.isBanned(this.#c, groupId, userId);
  }

  setMuted(groupId: string, userId: string, muted: boolean): Promise<void> {
    return roles.setMuted(this.#c, groupId, userId, muted);
  }

  mutedGroups(userId: string, groupIds: string[]): Promise<Set<string>> {
    return roles.mutedGroups(this.#c, userId, groupIds);
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

  headSeq(groupId: string): Promise<number> {
    return this.#heads.headSeq(groupId);
  }

  headSeqs(groupIds: string[]): Promise<Map<string, number>> {
    return this.#heads.headSeqs(groupIds);
  }

  messagesBySeqs(groupId: string, seqs: number[]): Promise<Message[]> {
    return events.messagesBySeqs(this.#c, groupId, seqs);
  }

  upsertStates(states: Message[]): Promise<void> {
    return events.upsertStates(this.#c, states);
  }

  insertEvents(list: StoredEvent[]): Promise<void> {
    return events.insertEvents(this.#c, list);
  }

  eventsAfter(
    groupId: string,
    afterRev: number,
    limit: number,
  ): Promise<StoredEvent[]> {
    return events.eventsAfter(this.#c, groupId, afterRev, limit);
  }

  headRev(groupId: string): Promise<number> {
    return events.headRev(this.#c, groupId);
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

  /** Groups as they are now: their current invite codes and owners. */
  async #current(groups: StoredGroup[]): Promise<StoredGroup[]> {
    return await owners.withCurrentOwners(
      this.#c,
      await invites.withCurrentCodes(this.#c, groups),
    );
  }
}

const userProjection = { projection: { _id: 0, username_lower: 0 } } as const;

function groupExists(id: string): Error {
  return new Error(`Cannot create group: id ${id} exists`);
}
