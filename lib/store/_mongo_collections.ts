/** The MongoDB documents of the store, their typed collections and the indexes they rely on. */
import { type Collection, type Db, MongoServerError } from "mongodb";
import type { Message, Role } from "../protocol/types.ts";
import type {
  StoredEvent,
  StoredGroup,
  StoredSession,
  StoredUser,
} from "./store.ts";
import { collections } from "./_mongo_names.ts";

/** A user with the lower-cased name that the unique index guards. */
export interface UserDoc extends StoredUser {
  username_lower: string;
}

/** A session under its token hash. */
export interface SessionDoc extends StoredSession {
  token_hash: string;
  /** `expires_at` as a date, for the TTL index; the string stays as given. */
  expires_at_date: Date;
}

/** A membership; `joined_at` (then `_id`) orders a user's groups. */
export interface MembershipDoc {
  group_id: string;
  user_id: string;
  joined_at: Date;
  /** Absent on memberships stored before roles existed: `member`. */
  role?: Role;
}

/** One invite code of a group; the highest rev is the current one (`_mongo_invites.ts`). */
export interface InviteDoc {
  group_id: string;
  rev: number;
  code: string;
}

/** One transfer of a group's ownership; the highest rev is the owner (`_mongo_owners.ts`). */
export interface OwnerDoc {
  group_id: string;
  rev: number;
  user_id: string;
}

/** A ban of a user from a group, or a group a user muted: present or absent. */
export interface PairDoc {
  group_id: string;
  user_id: string;
}

/** A read position of a user in a group; the highest of a user's is theirs. */
export interface ReadDoc {
  group_id: string;
  user_id: string;
  seq: number;
}

/** The store's collections, typed. */
export interface StoreCollections {
  users: Collection<UserDoc>;
  sessions: Collection<SessionDoc>;
  groups: Collection<StoredGroup>;
  memberships: Collection<MembershipDoc>;
  messages: Collection<Message>;
  reads: Collection<ReadDoc>;
  bans: Collection<PairDoc>;
  mutes: Collection<PairDoc>;
  invites: Collection<InviteDoc>;
  owners: Collection<OwnerDoc>;
  /** Each group's event index (rev → seq, kind). */
  events: Collection<StoredEvent>;
}

/** The store's collections in `db`. */
export function storeCollections(db: Db): StoreCollections {
  return {
    users: db.collection(collections.users),
    sessions: db.collection(collections.sessions),
    groups: db.collection(collections.groups),
    memberships: db.collection(collections.memberships),
    messages: db.collection(collections.messages),
    reads: db.collection(collections.reads),
    bans: db.collection(collections.bans),
    mutes: db.collection(collections.mutes),
    invites: db.collection(collections.invites),
    owners: db.collection(collections.owners),
    events: db.collection(collections.events),
  };
}

/**
 * Creates the indexes: the unique ones carry the contract's rules (idempotent). Answers whether
 * the server removes expired sessions itself (a TTL index); when it cannot, the caller must.
 *
 * Each index, and the store methods whose queries it serves
 * (`tests/contracts/store_mongo_indexes_test.ts` checks every query against them):
 * - users `{username_lower}` unique: userByName, createUser's case-insensitive uniqueness
 * - users `{id}` unique: userById, usersByIds
 * - sessions `{token_hash}` unique: createSession, sessionByTokenHash, deleteSession
 * - sessions `{expires_at_date}`: TTL (expireAfterSeconds 0) on MongoDB; a plain index serving
 *   the adapter's own sweep where TTL indexes are not implemented (FerretDB 1.x)
 * - groups `{id}` unique: groupById, groupsOfUser's second read
 * - groups `{public, created_at: -1, id: -1}`: publicGroups
 * - memberships `{group_id, user_id}` unique: addMember, removeMember, isMember, memberIds,
 *   reads.ofGroup, createGroup
 * - memberships `{user_id, joined_at, _id}`: groupsOfUser (its whole sort order)
 * - memberships `{group_id, user_id}` also: roleOf, members, setRole; groups `{id}`: updateGroup,
 *   createDm (whose group id names the pair, so that index makes the pair unique)
 * - bans `{group_id, user_id}` unique: addBan, removeBan, isBanned
 * - mutes `{user_id, group_id}` unique: setMuted, mutedGroups
 * - invites `{group_id, rev}` unique: updateGroup's rotation, and the current code read by
 *   groupById, publicGroups and groupsOfUser (see `_mongo_invites.ts`)
 * - owners `{group_id, rev}` unique: leaveGroup's transfer, and the current owner read by
 *   groupById, publicGroups and groupsOfUser (see `_mongo_owners.ts`); memberships
 *   `{group_id, user_id}`: leaveGroup's choice of the next owner
 * - messages `{group_id, seq}` unique: insertMessages' idempotency, messagesInRange, headSeq
 * - reads `{group_id, user_id, seq}` unique: reads.advance (insert-only, see
 *   `mongo_read_store.ts`), reads.ofGroup, reads.ofUser (its `$in` of groups is one index seek per
 *   group)
 */
export async function createIndexes(c: StoreCollections): Promise<boolean> {
  const unique = { unique: true };
  const [ttl] = await Promise.all([
    sessionExpiryIndex(c),
    c.users.createIndex({ username_lower: 1 }, unique),
    c.users.createIndex({ id: 1 }, unique),
    c.sessions.createIndex({ token_hash: 1 }, unique),
    c.groups.createIndex({ id: 1 }, unique),
    c.groups.createIndex({ public: 1, created_at: -1, id: -1 }),
    c.memberships.createIndex({ group_id: 1, user_id: 1 }, unique),
    // `_id` last: groupsOfUser sorts by it to break ties, so the index gives the whole order.
    c.memberships.createIndex({ user_id: 1, joined_at: 1, _id: 1 }),
    c.messages.createIndex({ group_id: 1, seq: 1 }, unique),
    // One document per position (see `mongo_read_store.ts`).
    c.reads.createIndex({ group_id: 1, user_id: 1, seq: 1 }, unique),
    // Present or absent: inserted and deleted whole, never updated in place.
    c.bans.createIndex({ group_id: 1, user_id: 1 }, unique),
    c.mutes.createIndex({ user_id: 1, group_id: 1 }, unique),
    c.invites.createIndex({ group_id: 1, rev: 1 }, unique),
    c.owners.createIndex({ group_id: 1, rev: 1 }, unique),
    c.events.createIndex({ group_id: 1, rev: 1 }, unique),
    // A state replaces the stored one only over a lower rev (or none): see `_mongo_events.ts`.
    c.messages.createIndex({ group_id: 1, seq: 1, rev: 1 }),
  ]);
  return ttl;
}

const NOT_IMPLEMENTED = 238;

/**
 * MongoDB removes expired sessions itself, within about a minute, through a TTL index. FerretDB
 * 1.x answers NotImplemented to `expireAfterSeconds`; a plain index on the same field then serves
 * the adapter's own sweep.
 */
async function sessionExpiryIndex(c: StoreCollections): Promise<boolean> {
  try {
    await c.sessions.createIndex({ expires_at_date: 1 }, {
      expireAfterSeconds: 0,
    });
    return true;
  } catch (err) {
    if (!(err instanceof MongoServerError && err.code === NOT_IMPLEMENTED)) {
      throw err;
    }
    await c.sessions.createIndex({ expires_at_date: 1 });
    return false;
  }
}
