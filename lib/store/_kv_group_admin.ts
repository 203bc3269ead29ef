/** Group settings and direct groups on Deno KV: each a versionstamp-checked commit. */
import type { GroupChanges, StoredGroup } from "./store.ts";
import { definedChanges } from "./_group_changes.ts";
import * as keys from "./_kv_keys.ts";
import { commit } from "./_kv_retry.ts";
import { getEntry } from "./_kv_reads.ts";
import type { Membership } from "./_kv_roles.ts";

/** Applies the given changes; the public index follows the flag in the same commit. */
export async function updateGroup(
  kv: Deno.Kv,
  id: string,
  changes: GroupChanges,
): Promise<StoredGroup | null> {
  const key = keys.groupKey(id);
  while (true) {
    const entry = await getEntry<StoredGroup>(kv, key);
    if (entry.value === null) return null;
    const before = entry.value;
    const after: StoredGroup = { ...before, ...definedChanges(changes) };
    const op = kv.atomic().check(entry).set(key, after);
    const indexKey = keys.publicGroupKey(before.created_at, id);
    if (after.public && !before.public) op.set(indexKey, id);
    if (!after.public && before.public) op.delete(indexKey);
    if ((await commit(op)).ok) return after;
  }
}

/** Creates a direct group and both memberships in one commit, unless its id exists. */
export async function createDm(
  kv: Deno.Kv,
  group: StoredGroup,
  memberIds: [string, string],
): Promise<StoredGroup> {
  const key = keys.groupKey(group.id);
  const membership: Membership = {
    joined_at: new Date().toISOString(),
    role: "member",
  };
  const op = kv.atomic().check({ key, versionstamp: null }).set(key, group);
  for (const userId of memberIds) {
    op.set(keys.memberKey(group.id, userId), membership)
      .set(keys.userGroupKey(userId, group.id), membership);
  }
  if ((await commit(op)).ok) return group;
  // Another caller created it: both memberships were written in that same commit.
  const stored = (await getEntry<StoredGroup>(kv, key)).value;
  if (!stored) throw new Error(`Cannot create direct group ${group.id}`);
  return stored;
}
