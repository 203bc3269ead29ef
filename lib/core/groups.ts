/** Groups and membership: create, join, leave, list, members. */
import { topics } from "../bus/topics.ts";
import type { BusEventOf } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Group, Member } from "../protocol/types.ts";
import type { StoredGroup } from "../store/store.ts";
import type { CoreDeps } from "./deps.ts";
import { groupHeads } from "./history.ts";
import { newId, randomSecret } from "./ids.ts";
import { log } from "../log.ts";
import { effectiveRole } from "./permissions.ts";
import { requireGroup, requireMember } from "./require.ts";
import { unreadCounts } from "./unread.ts";

/** The API shape of a group; the invite code only for members, and never of a direct group. */
export function toGroup(group: StoredGroup, forMember: boolean): Group {
  const { invite_code, ...rest } = group;
  const shape: Group = {
    ...rest,
    description: group.description ?? "",
    kind: group.kind ?? "group",
  };
  return forMember && shape.kind === "group"
    ? { ...shape, invite_code }
    : shape;
}

/** Creates a group owned by its creator, who becomes its first member. */
export async function createGroup(
  deps: CoreDeps,
  ownerId: string,
  input: { name: string; public: boolean; description?: string },
): Promise<Group> {
  const now = deps.now();
  const group: StoredGroup = {
    id: newId(now),
    name: input.name,
    public: input.public,
    owner_id: ownerId,
    created_at: new Date(now).toISOString(),
    invite_code: randomSecret(9),
    description: input.description ?? "",
    kind: "group",
  };
  await deps.store.createGroup(group);
  return toGroup(group, true);
}

/**
 * Joins a public group, or a private one with its current invite code; joining twice is a no-op.
 * Nobody joins a direct group, and a banned user joins nothing until unbanned.
 */
export async function joinGroup(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  inviteCode?: string,
): Promise<Group> {
  const group = await requireGroup(deps, groupId);
  const details = { group_id: groupId };
  if (await deps.store.isMember(groupId, userId)) return toGroup(group, true);
  if (group.kind === "dm") {
    throw new ChatError(
      "forbidden",
      "Nobody else can join a direct conversation",
      details,
    );
  }
  if (!group.public && inviteCode !== group.invite_code) {
    throw new ChatError(
      "forbidden",
      "This group needs a valid invite code",
      details,
    );
  }
  if (await deps.store.isBanned(groupId, userId)) {
    throw new ChatError("forbidden", "You are banned from this group", details);
  }
  if (!await deps.store.addMember(groupId, userId)) return toGroup(group, true);
  // A ban stored between the check above and the join: the banner's removal may have run before
  // this membership existed, so the join undoes itself (bans are written before removals).
  if (await deps.store.isBanned(groupId, userId)) {
    await deps.store.removeMember(groupId, userId);
    throw new ChatError("forbidden", "You are banned from this group", details);
  }
  await announceJoin(deps, groupId, userId);
  return toGroup(group, true);
}

/** Tells the group's subscribers; the join is stored already, so a bus failure is only logged. */
async function announceJoin(deps: CoreDeps, groupId: string, userId: string) {
  try {
    const [user] = await deps.store.usersByIds([userId]);
    const online = (await deps.presence.online([userId])).has(userId);
    if (!user) return;
    await deps.bus.publish(topics.group(groupId), {
      kind: "member_joined",
      group_id: groupId,
      user: { id: user.id, username: user.username },
      online,
    });
  } catch (err) {
    log.warn("groups.join_not_announced", "groups: could not announce a join", {
      group_id: groupId,
      user_id: userId,
      err,
    });
  }
}

/**
 * Leaves a group; every instance ends the leaver's live subscriptions to it. A direct group
 * cannot be left. When the owner leaves, ownership passes in the same step (`endMembership`).
 */
export async function leaveGroup(
  deps: CoreDeps,
  userId: string,
  groupId: string,
) {
  const group = await requireGroup(deps, groupId);
  if (group.kind === "dm") {
    throw new ChatError(
      "forbidden",
      "A direct conversation cannot be left",
      { group_id: groupId },
    );
  }
  // Like joining twice, leaving twice is a no-op.
  await endMembership(deps, groupId, userId);
}

/**
 * Removes a membership and, when there was one, tells every instance (`member_left`). The store
 * keeps exactly one owner: an owner's removal passes ownership to the longest-standing admin,
 * else member, and subscribers learn the new role and `owner_id`. A group nobody is left in is
 * closed to joins (private, with a code nobody knows): it has no owner member to run it.
 */
export async function endMembership(
  deps: CoreDeps,
  groupId: string,
  userId: string,
): Promise<boolean> {
  const { left, newOwner } = await deps.store.leaveGroup(groupId, userId);
  if (left) {
    await deps.bus.publish(topics.group(groupId), {
      kind: "member_left",
      group_id: groupId,
      user_id: userId,
    });
  }
  if (typeof newOwner === "string") {
    await announceOwner(deps, groupId, newOwner);
  } else if (newOwner === null) {
    await deps.store.updateGroup(groupId, {
      public: false,
      invite_code: randomSecret(9),
    });
  }
  return left;
}

/** Tells subscribers who owns the group now; it is stored already, so a bus failure is logged. */
async function announceOwner(deps: CoreDeps, groupId: string, ownerId: string) {
  try {
    const [group, [user], online] = await Promise.all([
      deps.store.groupById(groupId),
      deps.store.usersByIds([ownerId]),
      deps.presence.online([ownerId]),
    ]);
    if (!group || !user) return;
    const member = {
      ...user,
      online: online.has(ownerId),
      role: "owner" as const,
    };
    const topic = topics.group(groupId);
    await deps.bus.publish(topic, {
      kind: "member_updated",
      group_id: groupId,
      member,
    });
    await deps.bus.publish(topic, {
      kind: "group_updated",
      group_id: groupId,
      group: publicFields(group),
    });
  } catch (err) {
    log.warn(
      "groups.owner_not_announced",
      "groups: could not announce an owner",
      {
        err,
      },
    );
  }
}

/** The fields of a group every subscriber may see (no invite code, no per-user counts). */
export function publicFields(
  group: StoredGroup,
): BusEventOf<"group_updated">["group"] {
  const { invite_code: _, ...rest } = group;
  return {
    ...rest,
    description: rest.description ?? "",
    kind: rest.kind ?? "group",
  };
}

/**
 * The user's groups with unread and mention counts, read positions and mute state. In a direct
 * group every unread message counts as a mention (§4). A direct group shows once its first
 * message exists (asking for one creates it, but sends nothing yet).
 */
export async function groupsOfUser(
  deps: CoreDeps,
  userId: string,
): Promise<Group[]> {
  const groups = await deps.store.groupsOfUser(userId);
  const ids = groups.map((g) => g.id);
  const [reads, muted, heads] = await Promise.all([
    deps.store.reads.ofUser(userId, ids),
    deps.store.mutedGroups(userId, ids),
    groupHeads(deps, ids),
  ]);
  const shown = await Promise.all(groups.map(async (g) => {
    const head = heads.get(g.id) ?? 0;
    if (g.kind === "dm" && head === 0) return null;
    const lastRead = reads.get(g.id) ?? 0;
    const counts = await unreadCounts(deps, userId, g.id, lastRead, head);
    return {
      ...toGroup(g, true),
      unread_count: counts.unread,
      mention_count: g.kind === "dm" ? counts.unread : counts.mentions,
      last_read_seq: lastRead,
      muted: muted.has(g.id),
    };
  }));
  return shown.filter((g) => g !== null);
}

/** Addition: mutes or unmutes a group for the user, on every device (members only). */
export async function setMuted(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  muted: boolean,
): Promise<void> {
  await requireGroup(deps, groupId);
  await requireMember(deps, groupId, userId);
  await deps.store.setMuted(groupId, userId, muted);
}

/** Public groups anyone may join (an addition to the protocol, for discovery). */
export async function publicGroups(
  deps: CoreDeps,
  limit = 100,
): Promise<Group[]> {
  return (await deps.store.publicGroups(limit)).map((g) => toGroup(g, false));
}

/** A group's members with their roles and cluster-wide presence. */
export async function membersOf(
  deps: CoreDeps,
  group: StoredGroup,
): Promise<Member[]> {
  const stored = await deps.store.members(group.id);
  const ids = stored.map((m) => m.user_id);
  const roles = new Map(stored.map((m) => [m.user_id, m.role]));
  const [users, online] = await Promise.all([
    deps.store.usersByIds(ids),
    deps.presence.online(ids),
  ]);
  return users
    .map((u) => ({
      id: u.id,
      username: u.username,
      online: online.has(u.id),
      role: group.kind === "dm"
        ? roles.get(u.id) ?? "member"
        : effectiveRole(group, u.id, roles.get(u.id) ?? "member") ?? "member",
    }))
    .sort((a, b) => a.username.localeCompare(b.username));
}
