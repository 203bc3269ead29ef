/**
 * The embedded store: the `Store` port on Deno KV. Several processes may share one KV file, so
 * every rule that spans two writes is an atomic operation guarded by versionstamp checks, never an
 * in-process lock.
 */
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
import * as events from "./_kv_events.ts";
import { KvAttachmentStore } from "./kv_attachment_store.ts";
import { KvReadStore } from "./kv_read_store.ts";
import * as keys from "./_kv_keys.ts";
import type { Membership } from "./_kv_roles.ts";
import * as roles from "./_kv_roles.ts";
import * as groupAdmin from "./_kv_group_admin.ts";
import * as leave from "./_kv_leave.ts";
import * as sessions from "./_kv_sessions.ts";
import { atomicChunks } from "./_kv_batches.ts";
import { firstPerSeq } from "./_message_batch.ts";
import { commit, openKvWhenUnlocked } from "./_kv_retry.ts";
import {
  getEntry,
  getManyEntries,
  getManyValues,
  listEntries,
  listLastKeyParts,
} from "./_kv_reads.ts";

/** The `Store` port on Deno KV. */
export class KvStore implements Store {
  readonly attachments: KvAttachmentStore;
  readonly reads: KvReadStore;
  #kv: Deno.Kv;
  #closed = false;

  private constructor(kv: Deno.Kv) {
    this.#kv = kv;
    this.attachments = new KvAttachmentStore(kv);
    this.reads = new KvReadStore(kv);
  }

  /**
   * Opens the KV database at `path` (Deno's default when undefined, ":memory:" for tests),
   * waiting up to `openTimeoutMs` for another process's lock on the file to clear.
   */
  static async open(
    path?: string,
    options: { openTimeoutMs?: number } = {},
  ): Promise<KvStore> {
    return new KvStore(await openKvWhenUnlocked(path, options.openTimeoutMs));
  }

  /** A store on an open handle (shared with the embedded bus); `close()` closes the handle. */
  static fromKv(kv: Deno.Kv): KvStore {
    return new KvStore(kv);
  }

  async createUser(user: StoredUser): Promise<boolean> {
    const nameKey = keys.userNameKey(user.username);
    const userKey = keys.userKey(user.id);
    const op = this.#kv.atomic()
      .check({ key: nameKey, versionstamp: null }, {
        key: userKey,
        versionstamp: null,
      })
      .set(userKey, user)
      .set(nameKey, user.id);
    return (await commit(op)).ok;
  }

  async userById(id: string): Promise<StoredUser | null> {
    return (await getEntry<StoredUser>(this.#kv, keys.userKey(id))).value;
  }

  async userByName(username: string): Promise<StoredUser | null> {
    const id =
      (await getEntry<string>(this.#kv, keys.userNameKey(username))).value;
    return id === null ? null : await this.userById(id);
  }

  async usersByIds(ids: string[]): Promise<User[]> {
    const users = await getManyValues<StoredUser>(
      this.#kv,
      [...new Set(ids)].map(keys.userKey),
    );
    return users.map(({ id, username }) => ({ id, username }));
  }

  createSession(tokenHash: string, session: StoredSession): Promise<void> {
    return sessions.create(this.#kv, tokenHash, session);
  }

  sessionByTokenHash(tokenHash: string): Promise<StoredSession | null> {
    return sessions.byTokenHash(this.#kv, tokenHash);
  }

  deleteSession(tokenHash: string): Promise<StoredSession | null> {
    return sessions.remove(this.#kv, tokenHash);
  }

  async createGroup(group: StoredGroup): Promise<void> {
    const key = keys.groupKey(group.id);
    const membership: Membership = {
      joined_at: new Date().toISOString(),
      role: "owner",
    };
    const op = this.#kv.atomic()
      .check({ key, versionstamp: null })
      .set(key, group)
      .set(keys.memberKey(group.id, group.owner_id), membership)
      .set(keys.userGroupKey(group.owner_id, group.id), membership);
    if (group.public) {
      op.set(keys.publicGroupKey(group.created_at, group.id), group.id);
    }
    const res = await commit(op);
    if (!res.ok) throw new Error(`Cannot create group: id ${group.id} exists`);
  }

  async groupById(id: string): Promise<StoredGroup | null> {
    return (await getEntry<StoredGroup>(this.#kv, keys.groupKey(id))).value;
  }

  async publicGroups(limit: number): Promise<StoredGroup[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    const ids = (await listEntries<string>(
      this.#kv,
      { prefix: keys.publicGroupPrefix },
      { reverse: true, limit: n },
    )).map((entry) => entry.value);
    return await getManyValues<StoredGroup>(this.#kv, ids.map(keys.groupKey));
  }

  updateGroup(id: string, changes: GroupChanges): Promise<StoredGroup | null> {
    return groupAdmin.updateGroup(this.#kv, id, changes);
  }

  createDm(
    group: StoredGroup,
    memberIds: [string, string],
  ): Promise<StoredGroup> {
    return groupAdmin.createDm(this.#kv, group, memberIds);
  }

  async addMember(groupId: string, userId: string): Promise<boolean> {
    const key = keys.memberKey(groupId, userId);
    const membership: Membership = {
      joined_at: new Date().toISOString(),
      role: "member",
    };
    const op = this.#kv.atomic()
      .check({ key, versionstamp: null })
      .set(key, membership)
      .set(keys.userGroupKey(userId, groupId), membership);
    return (await commit(op)).ok;
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const key = keys.memberKey(groupId, userId);
    while (true) {
      const entry = await getEntry(this.#kv, key);
      if (entry.versionstamp === null) return false;
      const op = this.#kv.atomic()
        .check(entry)
        .delete(key)
        .delete(keys.userGroupKey(userId, groupId));
      if ((await commit(op)).ok) return true;
    }
  }

  leaveGroup(groupId: string, userId: string): Promise<Leave> {
    return leave.leaveGroup(this.#kv, groupId, userId);
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    return (await getEntry(this.#kv, keys.memberKey(groupId, userId)))
      .versionstamp !== null;
  }

  async groupsOfUser(userId: string): Promise<StoredGroup[]> {
    const entries = (await listEntries(this.#kv, {
      prefix: keys.userGroupsPrefix(userId),
    })).map((entry) => ({
      groupId: entry.key.at(-1) as string,
      versionstamp: entry.versionstamp,
    }));
    // Versionstamps grow with every commit to the database, so they order memberships.
    entries.sort((a, b) => a.versionstamp < b.versionstamp ? -1 : 1);
    return await getManyValues<StoredGroup>(
      this.#kv,
      entries.map((e) => keys.groupKey(e.groupId)),
    );
  }

  async memberIds(groupId: string): Promise<string[]> {
    return await listLastKeyParts(this.#kv, keys.membersPrefix(groupId));
  }

  roleOf(groupId: string, userId: string): Promise<Role | null> {
    return roles.roleOf(this.#kv, groupId, userId);
  }

  members(groupId: string): Promise<StoredMember[]> {
    return roles.members(this.#kv, groupId);
  }

  setRole(groupId: string, userId: string, role: Role): Promise<boolean> {
    return roles.setRole(this.#kv, groupId, userId, role);
  }

  addBan(groupId: string, userId: string): Promise<void> {
    return roles.addBan(this.#kv, groupId, userId);
  }

  removeBan(groupId: string, userId: string): Promise<boolean> {
    return roles.removeBan(this.#kv, groupId, userId);
  }

  isBanned(groupId: string, userId: string): Promise<boolean> {
    return roles.isBanned(this.#kv, groupId, userId);
  }

  setMuted(groupId: string, userId: string, muted: boolean): Promise<void> {
    return roles.setMuted(this.#kv, groupId, userId, muted);
  }

  mutedGroups(userId: string, groupIds: string[]): Promise<Set<string>> {
    return roles.mutedGroups(this.#kv, userId, groupIds);
  }

  async insertMessages(messages: Message[]): Promise<void> {
    for (const chunk of atomicChunks(firstPerSeq(messages))) {
      await this.#insertChunk(chunk);
    }
  }

  async messagesInRange(
    groupId: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<Message[]> {
    if (!(fromSeq <= toSeq)) return [];
    const entries = await listEntries<Message>(this.#kv, {
      start: keys.messageKey(groupId, fromSeq),
      // `end` is exclusive; any key of this group with a larger seq closes the range.
      end: keys.messageKey(groupId, Math.floor(toSeq) + 1),
    });
    return entries.map((entry) => entry.value);
  }

  async headSeq(groupId: string): Promise<number> {
    const [last] = await listEntries<Message>(this.#kv, {
      prefix: keys.messagesPrefix(groupId),
    }, { reverse: true, limit: 1 });
    return last?.value.seq ?? 0;
  }

  /** One list read a group: Deno KV has no batched `list`, and no head is stored apart. */
  async headSeqs(groupIds: string[]): Promise<Map<string, number>> {
    const ids = [...new Set(groupIds)];
    const heads = await Promise.all(ids.map((id) => this.headSeq(id)));
    return new Map(ids.map((id, i) => [id, heads[i]]));
  }

  messagesBySeqs(groupId: string, seqs: number[]): Promise<Message[]> {
    return events.messagesBySeqs(this.#kv, groupId, seqs);
  }

  upsertStates(states: Message[]): Promise<void> {
    return events.upsertStates(this.#kv, states);
  }

  insertEvents(list: StoredEvent[]): Promise<void> {
    return events.insertEvents(this.#kv, list);
  }

  eventsAfter(
    groupId: string,
    afterRev: number,
    limit: number,
  ): Promise<StoredEvent[]> {
    return events.eventsAfter(this.#kv, groupId, afterRev, limit);
  }

  headRev(groupId: string): Promise<number> {
    return events.headRev(this.#kv, groupId);
  }

  async healthy(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await getEntry(this.#kv, keys.healthKey);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#kv.close();
    }
    return Promise.resolve();
  }

  /**
   * Writes the absent messages of one chunk. The commit fails only when a concurrent writer
   * stored one of them first; each retry skips at least one more key, so the loop ends.
   */
  async #insertChunk(chunk: Message[]): Promise<void> {
    let pending = chunk;
    while (pending.length > 0) {
      const op = this.#kv.atomic();
      for (const m of pending) {
        const key = keys.messageKey(m.group_id, m.seq);
        op.check({ key, versionstamp: null }).set(key, m);
      }
      if ((await commit(op)).ok) return;
      const entries = await getManyEntries(
        this.#kv,
        pending.map((m) => keys.messageKey(m.group_id, m.seq)),
      );
      pending = pending.filter((_, i) => entries[i].versionstamp === null);
    }
  }
}
