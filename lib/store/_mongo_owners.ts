/**
 * Group ownership on MongoDB, insert-only: each transfer is its own document
 * `{group_id, rev, user_id}` (unique on group and rev); the highest rev names the owner, lower ones
 * are pruned, and a group never transferred keeps the `owner_id` stored on it at creation.
 *
 * Why not a `$set` of `owner_id` on the group: FerretDB 1.x applies an update as read, modify,
 * write back, so a rename racing a transfer could write the old owner back after they left,
 * leaving the group without an owner member. An insert is never lost.
 *
 * There are no transactions, so a leave orders its writes: the owner passes ownership before
 * their membership goes (a crash between leaves them a plain member of a group with its next
 * owner), and every leaver looks again after its removal, passing on an ownership that a racing
 * leave handed to them meanwhile.
 */
import type { Leave } from "./store.ts";
import type { StoreCollections } from "./_mongo_collections.ts";
import { insertUnlessDuplicate } from "./_mongo_writes.ts";

/** The current owner of each group among `groupIds` that was ever transferred. */
export async function currentOwners(
  c: StoreCollections,
  groupIds: string[],
): Promise<Map<string, string>> {
  if (groupIds.length === 0) return new Map();
  const docs = await c.owners.find({ group_id: { $in: groupIds } }, {
    projection: { _id: 0 },
  }).toArray();
  // A prune racing this read may leave lower revs visible: the highest wins.
  const best = new Map<string, { rev: number; user_id: string }>();
  for (const d of docs) {
    if (!(d.rev <= (best.get(d.group_id)?.rev ?? 0))) best.set(d.group_id, d);
  }
  return new Map([...best].map(([id, d]) => [id, d.user_id]));
}

/** `groups` with their current owners. */
export async function withCurrentOwners<
  T extends { id: string; owner_id: string },
>(c: StoreCollections, groups: T[]): Promise<T[]> {
  const owners = await currentOwners(c, groups.map((g) => g.id));
  return groups.map((g) => {
    const owner = owners.get(g.id);
    return owner === undefined ? g : { ...g, owner_id: owner };
  });
}

/** Removes a membership; an owner's passes ownership on first. */
export async function leaveGroup(
  c: StoreCollections,
  groupId: string,
  userId: string,
): Promise<Leave> {
  const filter = { group_id: groupId, user_id: userId };
  if (await c.memberships.countDocuments(filter, { limit: 1 }) === 0) {
    return { left: false };
  }
  let newOwner: string | null | undefined;
  if (await ownerOf(c, groupId) === userId) {
    newOwner = await passOn(c, groupId, userId);
  }
  const left = (await c.memberships.deleteOne(filter)).deletedCount === 1;
  // A racing owner's leave may have chosen this user before the removal: pass it on again.
  // Each round hands ownership to a current member, so the loop ends when members stop leaving.
  while (left && newOwner !== null && await ownerOf(c, groupId) === userId) {
    newOwner = await passOn(c, groupId, userId);
  }
  return newOwner === undefined ? { left } : { left, newOwner };
}

/** The group's owner now, or null for an unknown group or a direct one (no owner powers). */
async function ownerOf(
  c: StoreCollections,
  groupId: string,
): Promise<string | null> {
  const group = await c.groups.findOne({ id: groupId }, {
    projection: { _id: 0, owner_id: 1, kind: 1 },
  });
  if (group === null || group.kind === "dm") return null;
  return (await currentOwners(c, [groupId])).get(groupId) ?? group.owner_id;
}

/**
 * Makes the longest-standing admin, else member, other than `leaverId`, the owner; null when
 * there is nobody. A successor who left before the transfer was stored is skipped by asking again.
 */
async function passOn(
  c: StoreCollections,
  groupId: string,
  leaverId: string,
): Promise<string | null> {
  while (true) {
    const successor = await longestStanding(c, groupId, leaverId);
    if (successor === null) return null;
    const [top] = await c.owners.find({ group_id: groupId }, {
      projection: { _id: 0, rev: 1 },
    }).sort({ rev: -1 }).limit(1).toArray();
    const rev = (top?.rev ?? 0) + 1;
    const doc = { group_id: groupId, rev, user_id: successor };
    if (!await insertUnlessDuplicate(c.owners, doc)) continue;
    await c.owners.deleteMany({ group_id: groupId, rev: { $lt: rev } });
    const promoted = await c.memberships.updateOne(
      { group_id: groupId, user_id: successor },
      { $set: { role: "owner" } },
    );
    if (promoted.matchedCount === 1) return successor;
  }
}

async function longestStanding(
  c: StoreCollections,
  groupId: string,
  leaverId: string,
): Promise<string | null> {
  const docs = await c.memberships.find({ group_id: groupId }, {
    projection: { user_id: 1, role: 1, joined_at: 1 },
  }).toArray();
  // Within one millisecond, ObjectIds from one process grow with each insert.
  const joined = (d: (typeof docs)[number]) =>
    `${d.joined_at.toISOString()}${d._id.toHexString()}`;
  const ranked = docs.filter((d) => d.user_id !== leaverId).sort((a, b) => {
    const adminFirst = Number(b.role === "admin") - Number(a.role === "admin");
    return adminFirst || (joined(a) < joined(b) ? -1 : 1);
  });
  return ranked[0]?.user_id ?? null;
}
