/**
 * The Deno KV key layout of the store, in one place so that every reader and writer agrees.
 * Every key starts with `PREFIX`, so a KV file shared with other data stays separable.
 */

const PREFIX = "salvioris";

/** A user record: `StoredUser`. */
export const userKey = (id: string): Deno.KvKey => [PREFIX, "user", id];

/** Unique index of lower-cased usernames → user id; its versionstamp guards uniqueness. */
export const userNameKey = (username: string): Deno.KvKey => [
  PREFIX,
  "user_name",
  username.toLowerCase(),
];

/** A session: `StoredSession`, under the hash of its token. */
export const sessionKey = (
  tokenHash: string,
): Deno.KvKey => [PREFIX, "session", tokenHash];

/** A group record: `StoredGroup`. */
export const groupKey = (id: string): Deno.KvKey => [PREFIX, "group", id];

/** Index of public groups by creation time (ISO strings sort in time order) → group id. */
export const publicGroupKey = (createdAt: string, id: string): Deno.KvKey => [
  PREFIX,
  "public_group",
  createdAt,
  id,
];

/** Prefix of every public group index entry. */
export const publicGroupPrefix: Deno.KvKey = [PREFIX, "public_group"];

/** A membership, seen from the group: `{ joined_at }`. */
export const memberKey = (groupId: string, userId: string): Deno.KvKey => [
  PREFIX,
  "member",
  groupId,
  userId,
];

/** Prefix of a group's memberships. */
export const membersPrefix = (
  groupId: string,
): Deno.KvKey => [PREFIX, "member", groupId];

/**
 * A membership, seen from the user: `{ joined_at }`. Written once per membership, so its
 * versionstamp (monotonic across every process sharing the database) orders memberships.
 */
export const userGroupKey = (userId: string, groupId: string): Deno.KvKey => [
  PREFIX,
  "user_group",
  userId,
  groupId,
];

/** Prefix of a user's memberships. */
export const userGroupsPrefix = (
  userId: string,
): Deno.KvKey => [PREFIX, "user_group", userId];

/** A message: `Message`. Numeric seq parts sort numerically, so ranges are key ranges. */
export const messageKey = (groupId: string, seq: number): Deno.KvKey => [
  PREFIX,
  "message",
  groupId,
  seq,
];

/** Prefix of a group's messages. */
export const messagesPrefix = (
  groupId: string,
): Deno.KvKey => [PREFIX, "message", groupId];

/** One entry of a group's event index: `{ seq, kind }` under its rev. */
export const eventKey = (groupId: string, rev: number): Deno.KvKey => [
  PREFIX,
  "event",
  groupId,
  rev,
];

/** Prefix of a group's event index. */
export const eventsPrefix = (
  groupId: string,
): Deno.KvKey => [PREFIX, "event", groupId];

/** A user's read position in a group: a number. */
export const readKey = (groupId: string, userId: string): Deno.KvKey => [
  PREFIX,
  "read",
  groupId,
  userId,
];

/** Prefix of a group's read positions. */
export const readsPrefix = (
  groupId: string,
): Deno.KvKey => [PREFIX, "read", groupId];

/** §5: an attachment's metadata: `StoredAttachment`. */
export const attachmentKey = (id: string): Deno.KvKey => [
  PREFIX,
  "attachment",
  id,
];

/** Index of unclaimed attachments by creation time → id, for the orphan sweeper. */
export const unclaimedAttachmentKey = (
  createdAt: string,
  id: string,
): Deno.KvKey => [PREFIX, "attachment_unclaimed", createdAt, id];

export const unclaimedAttachmentsPrefix: Deno.KvKey = [
  PREFIX,
  "attachment_unclaimed",
];

/** A key nothing writes; reading it proves the database answers. */
export const healthKey: Deno.KvKey = [PREFIX, "health"];

/** A ban of a user from a group: `{ banned_at }`. */
export const banKey = (groupId: string, userId: string): Deno.KvKey => [
  PREFIX,
  "ban",
  groupId,
  userId,
];

/** A group a user muted: `true`. */
export const muteKey = (userId: string, groupId: string): Deno.KvKey => [
  PREFIX,
  "mute",
  userId,
  groupId,
];
