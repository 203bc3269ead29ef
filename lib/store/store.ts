/**
 * The store port: the durable record of users, sessions, groups, memberships, message history and
 * read state. Adapters keep and fetch data; rules (who may do what) live in the core.
 *
 * Contract (every adapter runs `tests/contracts/store_contract.ts`):
 * - Usernames are unique case-insensitively; lookups by name are case-insensitive.
 * - `insertMessages` is idempotent: a message whose `(group_id, seq)` is stored already is
 *   skipped, so re-delivered hand-off entries never duplicate history.
 * - `setReadSeq` only moves forward and answers the stored value.
 * - Sessions past `expires_at` are not returned.
 * - Attachments (§5): `claimAttachments` is all-or-none and atomic per attachment, so two
 *   messages can never both claim one upload; claiming again with the same claimant succeeds
 *   (a retried send). `deleteAttachment` with `onlyUnclaimed` deletes nothing that a message
 *   claimed, even when a claim races it.
 * - Every method may throw on an unreachable database; none throws for "not found".
 */
import type { Message, User } from "../protocol/types.ts";

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

/** §5: an upload's metadata; its bytes live in the `FileStorage`. */
export interface StoredAttachment {
  id: string;
  group_id: string;
  uploader_id: string;
  name: string;
  /** The declared type (the real one for images), as clients are told. */
  content_type: string;
  size: number;
  /** True when the bytes are a PNG, JPEG, GIF or WebP image: served inline. */
  inline: boolean;
  width?: number;
  height?: number;
  created_at: string;
  /** Who claimed it for a message (see `claimAttachments`); null while no message uses it. */
  claimed_by: string | null;
  /** The seq of the message that carries it, once that is known. */
  message_seq: number | null;
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

  /** Moves a user's read position forward; answers the stored position. */
  setReadSeq(groupId: string, userId: string, seq: number): Promise<number>;
  /** A user's read positions in the given groups (absent = 0). */
  readSeqsOfUser(
    userId: string,
    groupIds: string[],
  ): Promise<Map<string, number>>;
  /** Every member's read position in a group (absent = 0). */
  readSeqsOfGroup(groupId: string): Promise<Map<string, number>>;

  /** §5: records an upload (unclaimed). */
  createAttachment(attachment: StoredAttachment): Promise<void>;
  /** The stored attachments among `ids`, in the order of `ids`. */
  attachmentsByIds(ids: string[]): Promise<StoredAttachment[]>;
  /**
   * Claims every id for `claimant`, atomically all or none; answers null on success, else an id
   * that is not stored or is claimed by another claimant (then nothing changed).
   */
  claimAttachments(ids: string[], claimant: string): Promise<string | null>;
  /** Undoes `claimant`'s claim on these ids (a send that failed after claiming). */
  releaseAttachments(ids: string[], claimant: string): Promise<void>;
  /** Records the seq of the message that carries these attachments. */
  setAttachmentsSeq(ids: string[], seq: number): Promise<void>;
  /** Unclaimed attachments created before `createdBefore` (ISO time), oldest first. */
  unclaimedAttachments(
    createdBefore: string,
    limit: number,
  ): Promise<StoredAttachment[]>;
  /** Deletes an attachment's record; with `onlyUnclaimed`, only while unclaimed. */
  deleteAttachment(
    id: string,
    options?: { onlyUnclaimed?: boolean },
  ): Promise<boolean>;

  /** True when the database answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
