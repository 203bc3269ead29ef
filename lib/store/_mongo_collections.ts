/** The MongoDB documents of the store, their typed collections and the indexes they rely on. */
import type { Collection, Db } from "mongodb";
import type { Message } from "../protocol/types.ts";
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
}

/** A user's read position in a group. */
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
    events: db.collection(collections.events),
  };
}

/** Creates the indexes: the unique ones carry the contract's rules (idempotent). */
export async function createIndexes(c: StoreCollections): Promise<void> {
  const unique = { unique: true };
  await Promise.all([
    c.users.createIndex({ username_lower: 1 }, unique),
    c.users.createIndex({ id: 1 }, unique),
    c.sessions.createIndex({ token_hash: 1 }, unique),
    // MongoDB removes expired sessions itself, within about a minute.
    c.sessions.createIndex({ expires_at_date: 1 }, { expireAfterSeconds: 0 }),
    c.groups.createIndex({ id: 1 }, unique),
    c.groups.createIndex({ public: 1, created_at: -1, id: -1 }),
    c.memberships.createIndex({ group_id: 1, user_id: 1 }, unique),
    c.memberships.createIndex({ user_id: 1, joined_at: 1 }),
    c.messages.createIndex({ group_id: 1, seq: 1 }, unique),
    c.reads.createIndex({ group_id: 1, user_id: 1 }, unique),
    c.reads.createIndex({ user_id: 1, group_id: 1 }),
    c.events.createIndex({ group_id: 1, rev: 1 }, unique),
  ]);
}
