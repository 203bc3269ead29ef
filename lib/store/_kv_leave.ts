/**
 * A leave on Deno KV that keeps one owner: the membership's removal and, when the leaver owns the
 * group, the successor's promotion and the group's new `owner_id` are one commit. It checks the
 * group, the leaver's and the successor's memberships, so a racing leave, rename or role change
 * makes it read again rather than pass ownership to someone who is gone.
 */
import type { Leave, StoredGroup } from "./store.ts";
import * as keys from "./_kv_keys.ts";
import { commit, retryWhileLocked } from "./_kv_retry.ts";
import { getManyEntries, listEntries } from "./_kv_reads.ts";
import type { Membership } from "./_kv_roles.ts";

/** Removes a membership; an owner's passes ownership on in the same commit. */
export async function leaveGroup(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
): Promise<Leave> {
  const groupKey = keys.groupKey(groupId);
  const memberKey = keys.memberKey(groupId, userId);
  while (true) {
    const [group, member] = await retryWhileLocked(() =>
      kv.getMany<[StoredGroup, Membership]>([groupKey, memberKey])
    );
    if (member.value === null) return { left: false };
    const op = kv.atomic().check(group, member)
      .delete(memberKey)
      .delete(keys.userGroupKey(userId, groupId));
    const owns = group.value !== null && group.value.owner_id === userId &&
      group.value.kind !== "dm";
    if (!owns) {
      if ((await commit(op)).ok) return { left: true };
      continue;
    }
    const successor = await longestStanding(kv, groupId, userId);
    if (successor === null) {
      if ((await commit(op)).ok) return { left: true, newOwner: null };
      continue;
    }
    const newOwner = successor.key.at(-1) as string;
    op.check(successor)
      .set(successor.key, { ...successor.value, role: "owner" })
      .set(groupKey, { ...group.value!, owner_id: newOwner });
    if ((await commit(op)).ok) return { left: true, newOwner };
  }
}

/**
 * The member (other than `leaverId`) to own the group next: the longest-standing admin, else
 * the longest-standing member. The user's side of a membership keeps the versionstamp of the join
 * (role changes rewrite only the group's side), so it orders memberships exactly.
 */
async function longestStanding(
  kv: Deno.Kv,
  groupId: string,
  leaverId: string,
): Promise<Deno.KvEntry<Membership> | null> {
  const others = (await listEntries<Membership>(kv, {
    prefix: keys.membersPrefix(groupId),
  })).filter((entry) => entry.key.at(-1) !== leaverId);
  const joins = await getManyEntries<Membership>(
    kv,
    others.map((entry) =>
      keys.userGroupKey(entry.key.at(-1) as string, groupId)
    ),
  );
  // A membership whose user side is missing is being removed: the commit's check catches it.
  const joined = (i: number) => joins[i].versionstamp ?? "~";
  const ranked = others.map((entry, i) => ({ entry, i })).sort((a, b) => {
    const adminFirst = Number(b.entry.value.role === "admin") -
      Number(a.entry.value.role === "admin");
    return adminFirst || (joined(a.i) < joined(b.i) ? -1 : 1);
  });
  return ranked[0]?.entry ?? null;
}
