/**
 * Roles, bans and mutes on MongoDB. Bans and mutes are documents that exist or not (inserted and
 * deleted whole), so no update of one document can be lost. A role is set in place on its
 * membership: concurrent role changes of one member keep one of them, the same as the last write.
 */
import type { Role } from "../protocol/types.ts";
import type { StoredGroup, StoredMember } from "./store.ts";
import type { StoreCollections } from "./_mongo_collections.ts";
import { insertUnlessDuplicate } from "./_mongo_writes.ts";

/** A member's role, or null when not a member. */
export async function roleOf(
  c: StoreCollections,
  groupId: string,
  userId: string,
): Promise<Role | null> {
  const doc = await c.memberships.findOne(
    { group_id: groupId, user_id: userId },
    { projection: { _id: 0, role: 1 } },
  );
  return doc === null ? null : doc.role ?? "member";
}

/** Every member of a group with their role. */
export async function members(
  c: StoreCollections,
  groupId: string,
): Promise<StoredMember[]> {
  const docs = await c.memberships.find({ group_id: groupId }, {
    projection: { _id: 0, user_id: 1, role: 1 },
  }).toArray();
  return docs.map((d) => ({ user_id: d.user_id, role: d.role ?? "member" }));
}

/** Sets a member's role; false when not a member. */
export async function setRole(
  c: StoreCollections,
  groupId: string,
  userId: string,
  role: Role,
): Promise<boolean> {
  const res = await c.memberships.updateOne(
    { group_id: groupId, user_id: userId },
    { $set: { role } },
  );
  return res.matchedCount === 1;
}

export async function addBan(
  c: StoreCollections,
  groupId: string,
  userId: string,
): Promise<void> {
  await insertUnlessDuplicate(c.bans, { group_id: groupId, user_id: userId });
}

export async function removeBan(
  c: StoreCollections,
  groupId: string,
  userId: string,
): Promise<boolean> {
  const res = await c.bans.deleteOne({ group_id: groupId, user_id: userId });
  return res.deletedCount === 1;
}

export async function isBanned(
  c: StoreCollections,
  groupId: string,
  userId: string,
): Promise<boolean> {
  const filter = { group_id: groupId, user_id: userId };
  return await c.bans.countDocuments(filter, { limit: 1 }) > 0;
}

export async function setMuted(
  c: StoreCollections,
  groupId: string,
  userId: string,
  muted: boolean,
): Promise<void> {
  const doc = { user_id: userId, group_id: groupId };
  if (muted) await insertUnlessDuplicate(c.mutes, doc);
  else await c.mutes.deleteOne(doc);
}

/** The groups among `groupIds` the user muted. */
export async function mutedGroups(
  c: StoreCollections,
  userId: string,
  groupIds: string[],
): Promise<Set<string>> {
  const docs = await c.mutes.find(
    { user_id: userId, group_id: { $in: groupIds } },
    { projection: { _id: 0, group_id: 1 } },
  ).toArray();
  return new Set(docs.map((d) => d.group_id));
}

/**
 * Writes a direct group unless its id exists. Memberships first, as in createGroup; every caller
 * writes both (a duplicate is fine), so a creator that died between the writes is completed by
 * the next one who asks.
 */
export async function createDm(
  c: StoreCollections,
  group: StoredGroup,
  memberIds: [string, string],
): Promise<void> {
  for (const userId of memberIds) {
    const doc = {
      group_id: group.id,
      user_id: userId,
      joined_at: new Date(),
      role: "member" as const,
    };
    await insertUnlessDuplicate(c.memberships, doc);
  }
  await insertUnlessDuplicate(c.groups, group);
}
