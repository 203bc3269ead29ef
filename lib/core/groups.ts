/** Groups and membership: create, join, leave, list, members. */
import { topics } from "../bus/topics.ts";
import { ChatError, errors } from "../protocol/errors.ts";
import type { Group, Member } from "../protocol/types.ts";
import type { StoredGroup } from "../store/store.ts";
import type { CoreDeps } from "./deps.ts";
import { groupHead } from "./history.ts";
import { newId, randomSecret } from "./ids.ts";
import { unreadCounts } from "./unread.ts";

/** The API shape of a group; the invite code only for members. */
export function toGroup(group: StoredGroup, forMember: boolean): Group {
  const { invite_code, ...rest } = group;
  return forMember ? { ...rest, invite_code } : rest;
}

/** Creates a group owned by its creator, who becomes its first member. */
export async function createGroup(
  deps: CoreDeps,
  ownerId: string,
  input: { name: string; public: boolean },
): Promise<Group> {
  const now = deps.now();
  const group: StoredGroup = {
    id: newId(now),
    name: input.name,
    public: input.public,
    owner_id: ownerId,
    created_at: new Date(now).toISOString(),
    invite_code: randomSecret(9),
  };
  await deps.store.createGroup(group);
  return toGroup(group, true);
}

/** Loads a group or fails with `not_found`. */
export async function requireGroup(
  deps: CoreDeps,
  groupId: string,
): Promise<StoredGroup> {
  const group = await deps.store.groupById(groupId);
  if (!group) throw errors.notFound("No such group", { group_id: groupId });
  return group;
}

/** Fails with `forbidden` unless the user is a member. */
export async function requireMember(
  deps: CoreDeps,
  groupId: string,
  userId: string,
) {
  if (!await deps.store.isMember(groupId, userId)) {
    throw errors.forbidden("You are not a member of this group", {
      group_id: groupId,
    });
  }
}

/** Joins a public group, or a private one with its invite code; joining twice is a no-op. */
export async function joinGroup(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  inviteCode?: string,
): Promise<Group> {
  const group = await requireGroup(deps, groupId);
  if (await deps.store.isMember(groupId, userId)) return toGroup(group, true);
  if (!group.public && inviteCode !== group.invite_code) {
    throw new ChatError("forbidden", "This group needs a valid invite code", {
      group_id: groupId,
    });
  }
  if (await deps.store.addMember(groupId, userId)) {
    await announceJoin(deps, groupId, userId);
  }
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
    console.warn("groups: could not announce a join:", (err as Error)?.message);
  }
}

/** Leaves a group; every instance ends the leaver's live subscriptions to it. */
export async function leaveGroup(
  deps: CoreDeps,
  userId: string,
  groupId: string,
) {
  await requireGroup(deps, groupId);
  // Like joining twice, leaving twice is a no-op.
  if (!await deps.store.removeMember(groupId, userId)) return;
  await deps.bus.publish(topics.group(groupId), {
    kind: "member_left",
    group_id: groupId,
    user_id: userId,
  });
}

/** The user's groups with unread and mention counts and read positions. */
export async function groupsOfUser(
  deps: CoreDeps,
  userId: string,
): Promise<Group[]> {
  const groups = await deps.store.groupsOfUser(userId);
  const reads = await deps.store.readSeqsOfUser(
    userId,
    groups.map((g) => g.id),
  );
  return await Promise.all(groups.map(async (g) => {
    const lastRead = reads.get(g.id) ?? 0;
    const head = await groupHead(deps, g.id);
    const counts = await unreadCounts(deps, userId, g.id, lastRead, head);
    return {
      ...toGroup(g, true),
      unread_count: counts.unread,
      mention_count: counts.mentions,
      last_read_seq: lastRead,
    };
  }));
}

/** Public groups anyone may join (an addition to the protocol, for discovery). */
export async function publicGroups(
  deps: CoreDeps,
  limit = 100,
): Promise<Group[]> {
  return (await deps.store.publicGroups(limit)).map((g) => toGroup(g, false));
}

/** A group's members with their cluster-wide presence. */
export async function membersOf(
  deps: CoreDeps,
  groupId: string,
): Promise<Member[]> {
  const ids = await deps.store.memberIds(groupId);
  const [users, online] = await Promise.all([
    deps.store.usersByIds(ids),
    deps.presence.online(ids),
  ]);
  return users
    .map((u) => ({ id: u.id, username: u.username, online: online.has(u.id) }))
    .sort((a, b) => a.username.localeCompare(b.username));
}
