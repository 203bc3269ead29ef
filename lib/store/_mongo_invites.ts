/**
 * Group settings on MongoDB, and invite codes insert-only: each rotation is its own document `{group_id, rev, code}`
 * (unique on group and rev), the highest rev holds the current code, lower ones are pruned; a
 * group never rotated keeps the code stored on it at creation.
 *
 * Why not a `$set` on the group: FerretDB 1.x applies an update as read, modify, write back, so a
 * rotation racing a rename could be lost, and a leaked code would keep working while its rotation
 * was answered as done. An insert is never lost; the unique index orders racing rotations.
 */
import type { GroupChanges } from "./store.ts";
import { definedChanges } from "./_group_changes.ts";
import type { StoreCollections } from "./_mongo_collections.ts";
import { insertUnlessDuplicate } from "./_mongo_writes.ts";

/** Applies a group's changes: the invite code as a rotation, the other settings in place. */
export async function applyChanges(
  c: StoreCollections,
  id: string,
  changes: GroupChanges,
): Promise<void> {
  const { invite_code, ...settings } = definedChanges(changes);
  if (invite_code !== undefined) await rotate(c, id, invite_code);
  // One `$set`: atomic on MongoDB. FerretDB 1.x applies it as read, modify, write back, so two
  // admins changing different settings at the same moment may lose one there (the KV store keeps
  // both); invite codes are insert-only for that reason.
  if (Object.keys(settings).length > 0) {
    await c.groups.updateOne({ id }, { $set: settings });
  }
}

/** Makes `code` the group's invite code. */
export async function rotate(
  c: StoreCollections,
  groupId: string,
  code: string,
): Promise<void> {
  while (true) {
    const [top] = await c.invites.find({ group_id: groupId }, {
      projection: { _id: 0, rev: 1 },
    }).sort({ rev: -1 }).limit(1).toArray();
    const rev = (top?.rev ?? 0) + 1;
    if (
      await insertUnlessDuplicate(c.invites, { group_id: groupId, rev, code })
    ) {
      await c.invites.deleteMany({ group_id: groupId, rev: { $lt: rev } });
      return;
    }
  }
}

/** The current code of each group among `groupIds` that was ever rotated. */
export async function currentCodes(
  c: StoreCollections,
  groupIds: string[],
): Promise<Map<string, string>> {
  if (groupIds.length === 0) return new Map();
  const docs = await c.invites.find({ group_id: { $in: groupIds } }, {
    projection: { _id: 0 },
  }).toArray();
  // A prune racing this read may leave lower revs visible: the highest wins.
  const best = new Map<string, { rev: number; code: string }>();
  for (const d of docs) {
    if (!(d.rev <= (best.get(d.group_id)?.rev ?? 0))) best.set(d.group_id, d);
  }
  return new Map([...best].map(([id, d]) => [id, d.code]));
}

/** `groups` with their current invite codes. */
export async function withCurrentCodes<
  T extends { id: string; invite_code: string },
>(
  c: StoreCollections,
  groups: T[],
): Promise<T[]> {
  const codes = await currentCodes(c, groups.map((g) => g.id));
  return groups.map((g) => {
    const code = codes.get(g.id);
    return code === undefined ? g : { ...g, invite_code: code };
  });
}
