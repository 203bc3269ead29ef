/**
 * What owners and admins do to a group (PROTOCOL.md §6): settings, invite rotation, roles,
 * removal, bans. Every action asks `requireAllowed` first; the store holds the result, so every
 * instance sees it at once, and the bus tells live subscribers.
 */
import { topics } from "../bus/topics.ts";
import type { BusEventOf } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Group, Member, Role } from "../protocol/types.ts";
import type { GroupChanges } from "../store/store.ts";
import type { CoreDeps } from "./deps.ts";
import { endMembership, publicFields, toGroup } from "./groups.ts";
import { randomSecret } from "./ids.ts";
import { requireAllowed } from "./permissions.ts";
import { log } from "../log.ts";

/** Changes name, description or visibility; subscribers get `group_updated`. */
export async function updateGroup(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  changes: Pick<GroupChanges, "name" | "description" | "public">,
): Promise<Group> {
  await requireAllowed(deps, groupId, userId, "update_group");
  const stored = await deps.store.updateGroup(groupId, {
    name: changes.name,
    description: changes.description,
    public: changes.public,
  });
  if (!stored) throw new ChatError("not_found", "No such group");
  await announce(deps, groupId, {
    kind: "group_updated",
    group_id: groupId,
    group: publicFields(stored),
  });
  return toGroup(stored, true);
}

/** Gives the group a new invite code: the old one stops working wherever it is tried. */
export async function rotateInvite(
  deps: CoreDeps,
  userId: string,
  groupId: string,
): Promise<Group> {
  await requireAllowed(deps, groupId, userId, "rotate_invite");
  const stored = await deps.store.updateGroup(groupId, {
    invite_code: randomSecret(9),
  });
  if (!stored) throw new ChatError("not_found", "No such group");
  return toGroup(stored, true);
}

/** The owner makes a member an admin or an admin a member; subscribers get `member_updated`. */
export async function setMemberRole(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  targetId: string,
  role: Exclude<Role, "owner">,
): Promise<Member> {
  await requireAllowed(deps, groupId, userId, "set_role", targetId);
  if (!await deps.store.setRole(groupId, targetId, role)) {
    throw new ChatError("not_found", "No such member of this group", {
      group_id: groupId,
    });
  }
  const [[user], online] = await Promise.all([
    deps.store.usersByIds([targetId]),
    deps.presence.online([targetId]),
  ]);
  if (!user) throw new ChatError("not_found", "No such user");
  const member = { ...user, online: online.has(targetId), role };
  await announce(deps, groupId, {
    kind: "member_updated",
    group_id: groupId,
    member,
  });
  return member;
}

/**
 * Removes a member, as if they left: `member_left` ends their subscriptions on every instance.
 * With `ban`, the ban is stored before the removal, so a join racing it undoes itself.
 */
export async function removeMember(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  targetId: string,
  ban: boolean,
): Promise<void> {
  await requireAllowed(deps, groupId, userId, "remove_member", targetId);
  if (ban) await deps.store.addBan(groupId, targetId);
  await endMembership(deps, groupId, targetId);
}

/** Lifts a ban: the user may join again (by code, or freely when public). */
export async function unban(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  targetId: string,
): Promise<void> {
  await requireAllowed(deps, groupId, userId, "unban");
  await deps.store.removeBan(groupId, targetId);
}

/** The change is stored already, so a bus failure is only logged: clients reload on reconnect. */
async function announce(
  deps: CoreDeps,
  groupId: string,
  event: BusEventOf<"group_updated" | "member_updated">,
) {
  try {
    await deps.bus.publish(topics.group(groupId), event);
  } catch (err) {
    log.warn(
      "groups.change_not_announced",
      "groups: could not announce a change",
      {
        group_id: groupId,
        err,
      },
    );
  }
}
