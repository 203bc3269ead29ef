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
 * - `setReadSeq` only moves forward and answers the stored value.
 * - Sessions past `expires_at` are not returned.
 * - Every method may throw on an unreachable database; none throws for "not found".
 */
import type { Message, User } from "../protocol/types.ts";

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
}

export interface Store {
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
  /** Adds a member; false when already one. */
  addMember(groupId: string, userId: string): Promise<boolean>;
  /** Removes a member; false when not one. */
  removeMember(groupId: string, userId: string): Promise<boolean>;
  isMember(groupId: string, userId: string): Promise<boolean>;
  /** The groups a user belongs to, oldest membership first. */
  groupsOfUser(userId: string): Promise<StoredGroup[]>;
  memberIds(groupId: string): Promise<string[]>;

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

  /** Moves a user's read position forward; answers the stored position. */
  setReadSeq(groupId: string, userId: string, seq: number): Promise<number>;
  /** A user's read positions in the given groups (absent = 0). */
  readSeqsOfUser(
    userId: string,
    groupIds: string[],
  ): Promise<Map<string, number>>;
  /** Every member's read position in a group (absent = 0). */
  readSeqsOfGroup(groupId: string): Promise<Map<string, number>>;

  /** True when the database answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
