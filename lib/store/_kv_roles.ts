/**
 * Roles, bans and mutes on Deno KV: the per-member state of group administration. Each write that
 * depends on what is stored is a versionstamp-checked commit, retried until it applies.
 */
import type { Role } from "../protocol/types.ts";
import type { StoredMember } from "./store.ts";
import * as keys from "./_kv_keys.ts";
import { commit, retryWhileLocked } from "./_kv_retry.ts";
import { getEntry, getManyEntries, listEntries } from "./_kv_reads.ts";

/** A membership record, under both `memberKey` and `userGroupKey`. */
export interface Membership {
  joined_at: string;
  /** Absent on memberships stored before roles existed: `member`. */
  role?: Role;
}

/** A member's role, or null when not a member. */
export async function roleOf(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
): Promise<Role | null> {
  const entry = await getEntry<Membership>(kv, keys.memberKey(groupId, userId));
  return entry.value === null ? null : entry.value.role ?? "member";
}

/** Every member of a group with their role. */
export async function members(
  kv: Deno.Kv,
  groupId: string,
): Promise<StoredMember[]> {
  const entries = await listEntries<Membership>(kv, {
    prefix: keys.membersPrefix(groupId),
  });
  return entries.map((entry) => ({
    user_id: entry.key.at(-1) as string,
    role: entry.value.role ?? "member",
  }));
}

/** Sets a member's role on both membership records; false when not a member. */
export async function setRole(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
  role: Role,
): Promise<boolean> {
  const key = keys.memberKey(groupId, userId);
  while (true) {
    const entry = await getEntry<Membership>(kv, key);
    if (entry.value === null) return false;
    const membership = { ...entry.value, role };
    // The user's side keeps its versionstamp (it orders their groups), so only the group's moves.
    const op = kv.atomic().check(entry).set(key, membership);
    if ((await commit(op)).ok) return true;
  }
}

/** Bans a user from a group (idempotent). */
export async function addBan(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
): Promise<void> {
  const ban = { banned_at: new Date().toISOString() };
  await retryWhileLocked(() => kv.set(keys.banKey(groupId, userId), ban));
}

/** Lifts a ban; false when there was none (exactly one of two concurrent callers wins). */
export async function removeBan(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
): Promise<boolean> {
  const key = keys.banKey(groupId, userId);
  while (true) {
    const entry = await getEntry(kv, key);
    if (entry.versionstamp === null) return false;
    if ((await commit(kv.atomic().check(entry).delete(key))).ok) return true;
  }
}

export async function isBanned(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
): Promise<boolean> {
  return (await getEntry(kv, keys.banKey(groupId, userId))).versionstamp !==
    null;
}

/** Mutes or unmutes a group for a user (idempotent). */
export async function setMuted(
  kv: Deno.Kv,
  groupId: string,
  userId: string,
  muted: boolean,
): Promise<void> {
  const key = keys.muteKey(userId, groupId);
  await retryWhileLocked(async () => {
    if (muted) await kv.set(key, true);
    else await kv.delete(key);
  });
}

/** The groups among `groupIds` the user muted. */
export async function mutedGroups(
  kv: Deno.Kv,
  userId: string,
  groupIds: string[],
): Promise<Set<string>> {
  const unique = [...new Set(groupIds)];
  const entries = await getManyEntries(
    kv,
    unique.map((g) => keys.muteKey(userId, g)),
  );
  return new Set(unique.filter((_, i) => entries[i].versionstamp !== null));
}
