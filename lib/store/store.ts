/**
 * The store port: the durable record of users, sessions, groups, memberships, message history and
 * read state. Adapters keep and fetch data; rules (who may do what) live in the core.
 *
 * Contract (every adapter runs `tests/contracts/store_contract.ts`):
 * - Usernames are unique case-insensitively; lookups by name are case-insensitive.
 * - `insertMessages` is idempotent: a message whose `(group_id, seq)` is stored already is
 *   skipped, so re-delivered hand-off entries never duplicate history.
 * - `upsertStates` is monotonic: a state replaces the stored message only when its `rev` is higher
 *   (a stored message without `rev` counts as rev 0), so re-delivered or reordered states never
 *   move a message back. The whole document is replaced: a deletion's state erases the text and
 *   reactions for good.
 * - `insertEvents` keeps each group's event index (rev → seq, kind); one rev is written once.
 *   Callers write the states an event produced before its index entry, so a reader that finds
 *   an index entry finds that state or a later one.
 * - Sessions past `expires_at` are not returned.
 * - Read positions are the `reads` sub-port (contract in `read_store.ts`), attachments (§5) the
 *   `attachments` sub-port (contract in `attachment_store.ts`).
 * - Every method may throw on an unreachable database; none throws for "not found".
 * - A membership carries a role; `createGroup` stores the owner's as `owner`. Adapters keep roles,
 *   the core decides who may change them (`lib/core/permissions.ts`).
 * - `leaveGroup` keeps one owner: when the leaver owns the group, ownership passes in the same step
 *   to the longest-standing admin, else the longest-standing member (oldest membership first).
 * - `createDm` makes exactly one group per id, however many processes ask at once: the id is
 *   derived from the pair, so the store's uniqueness of group ids is the pair's uniqueness.
 */
import type { Message, Role, User } from "../protocol/types.ts";
import type { AttachmentStore } from "./attachment_store.ts";
import type { ReadStore } from "./read_store.ts";

/** One entry of a group's event index: event `rev` changed message `seq`. */
export interface StoredEvent {
  group_id: string;
  rev: number;
  seq: number;
  kind: "message" | "message_update";
}

export interface StoredUser extends User {
  password_hash: string;
  created_at: string;
}

export interface StoredSession {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface StoredGroup {
  id: string;
  name: string;
  public: boolean;
  owner_id: string;
  created_at: string;
  invite_code: string;
  /** §6: absent on groups stored before it existed (read as ""). */
  description?: string;
  /** §6: absent on groups stored before it existed (read as "group"). */
  kind?: "group" | "dm";
}

/** The group fields `updateGroup` may change. */
export type GroupChanges = Partial<
  Pick<StoredGroup, "name" | "description" | "public" | "invite_code">
>;

/** What `leaveGroup` did. */
export interface Leave {
  /** False when the user was not a member (nothing changed). */
  left: boolean;
  /**
   * Present when the leaver owned the group: the new owner's id, or null when nobody is left
   * (the group keeps its `owner_id` and has no members).
   */
  newOwner?: string | null;
}

/** A member id with its stored role. */
export interface StoredMember {
  user_id: string;
  role: Role;
}

/** The store port; the module comment above is its contract. */
export interface Store {
  /** §5: the records of uploads, on the same database. */
  readonly attachments: AttachmentStore;
  /** How far each member has read in each group. */
  readonly reads: ReadStore;

  /** Creates a user; false when the username is taken (case-insensitively). */
  createUser(user: StoredUser): Promise<boolean>;
  userById(id: string): Promise<StoredUser | null>;
  userByName(username: string): Promise<StoredUser | null>;
  /** Public shapes of the users that exist among `ids`, in no particular order. */
  usersByIds(ids: string[]): Promise<User[]>;

  /** Stores a session under the hash of its token. */
  createSession(tokenHash: string, session: StoredSession): Promise<void>;
  /** The live session for a token hash, or null (unknown or expired). */
  sessionByTokenHash(tokenHash: string): Promise<StoredSession | null>;
  /** Deletes a session; answers it, or null when there was none. */
  deleteSession(tokenHash: string): Promise<StoredSession | null>;

  /** Creates a group and makes its owner a member, atomically. */
  createGroup(group: StoredGroup): Promise<void>;
  groupById(id: string): Promise<StoredGroup | null>;
  /** Public groups, newest first. */
  publicGroups(limit: number): Promise<StoredGroup[]>;
  /** Applies `changes` to a group; answers the group as stored after, or null when unknown. */
  updateGroup(id: string, changes: GroupChanges): Promise<StoredGroup | null>;
  /**
   * Creates the direct group `group` (its id names the pair) with both `memberIds` as members
   * (role `member`) unless a group with that id exists; answers the stored group either way,
   * after making sure both memberships exist (so a creator that died half-way is completed).
   */
  createDm(
    group: StoredGroup,
    memberIds: [string, string],
  ): Promise<StoredGroup>;
  /** Adds a member with role `member`; false when already one. */
  addMember(groupId: string, userId: string): Promise<boolean>;
  /** Removes a member; false when not one. */
  removeMember(groupId: string, userId: string): Promise<boolean>;
  /**
   * Removes a member as a leave; when they own the group, ownership passes in the same step to
   * the longest-standing admin, else member, who gets role `owner` and becomes `owner_id`.
   */
  leaveGroup(groupId: string, userId: string): Promise<Leave>;
  isMember(groupId: string, userId: string): Promise<boolean>;
  /** The groups a user belongs to, oldest membership first. */
  groupsOfUser(userId: string): Promise<StoredGroup[]>;
  memberIds(groupId: string): Promise<string[]>;
  /** A member's role, or null when not a member. */
  roleOf(groupId: string, userId: string): Promise<Role | null>;
  /** Every member with their role, in no particular order. */
  members(groupId: string): Promise<StoredMember[]>;
  /** Sets a member's role; false when not a member. */
  setRole(groupId: string, userId: string, role: Role): Promise<boolean>;

  /** Bans a user from a group (idempotent). */
  addBan(groupId: string, userId: string): Promise<void>;
  /** Lifts a ban; false when there was none. */
  removeBan(groupId: string, userId: string): Promise<boolean>;
  isBanned(groupId: string, userId: string): Promise<boolean>;

  /** Mutes or unmutes a group for a user (idempotent), stored for every device. */
  setMuted(groupId: string, userId: string, muted: boolean): Promise<void>;
  /** The ids of the groups among `groupIds` the user muted. */
  mutedGroups(userId: string, groupIds: string[]): Promise<Set<string>>;

  /** Stores messages, skipping any whose (group_id, seq) exists (idempotent). */
  insertMessages(messages: Message[]): Promise<void>;
  /** Stored messages with `fromSeq <= seq <= toSeq`, ascending. */
  messagesInRange(
    groupId: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<Message[]>;
  /** The highest stored seq of a group, 0 when it has none. */
  headSeq(groupId: string): Promise<number>;
  /**
   * The highest stored seq of each of many groups, with fewer reads than one `headSeq` a group
   * where the backend allows: an entry for every id given, 0 for a group without messages.
   */
  headSeqs(groupIds: string[]): Promise<Map<string, number>>;
  /** Stored messages of a group with the given seqs, in no particular order. */
  messagesBySeqs(groupId: string, seqs: number[]): Promise<Message[]>;
  /** Writes message states whose rev is higher than the stored one's (monotonic, idempotent). */
  upsertStates(states: Message[]): Promise<void>;
  /** Adds entries to groups' event indexes (idempotent per group and rev). */
  insertEvents(events: StoredEvent[]): Promise<void>;
  /** Up to `limit` index entries of a group with `rev > afterRev`, ascending. */
  eventsAfter(
    groupId: string,
    afterRev: number,
    limit: number,
  ): Promise<StoredEvent[]>;
  /** The highest indexed rev of a group, 0 when it has none. */
  headRev(groupId: string): Promise<number>;

  /** True when the database answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
