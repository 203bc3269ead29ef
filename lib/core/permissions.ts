/**
 * The one place that answers "may this user do this here" (PROTOCOL.md §6). `allowed` is a pure
 * rule over roles, tested without I/O; `requireAllowed` loads what it needs and throws the error
 * the protocol names. Direct groups give nobody powers: every administrative action is refused.
 */
import { ChatError } from "../protocol/errors.ts";
import type { Role } from "../protocol/types.ts";
import type { StoredGroup } from "../store/store.ts";
import type { CoreDeps } from "./deps.ts";
import { requireGroup } from "./require.ts";

/** What a member may ask to do in a group. */
export type Action =
  | "update_group"
  | "rotate_invite"
  | "set_role"
  | "remove_member"
  | "unban"
  | "delete_any_message";

/** The facts a rule looks at. */
export interface Situation {
  kind: "group" | "dm";
  /** The caller's role (they are a member). */
  role: Role;
  /** The role of the member acted on, for `set_role` and `remove_member`. */
  targetRole?: Role;
  /** The caller acts on themself. */
  self?: boolean;
}

/** Whether `action` is allowed in `situation`: the rules of §6. */
export function allowed(action: Action, s: Situation): boolean {
  if (s.kind === "dm") return false;
  const manager = s.role === "owner" || s.role === "admin";
  switch (action) {
    case "update_group":
    case "rotate_invite":
    case "unban":
    case "delete_any_message":
      return manager;
    case "set_role":
      // The owner cannot be demoted, and a group keeps exactly one owner.
      return s.role === "owner" && !s.self && s.targetRole !== "owner";
    case "remove_member":
      if (s.self) return false;
      if (s.role === "owner") return true;
      return s.role === "admin" && s.targetRole === "member";
  }
}

/**
 * The caller's role: the owner recorded on the group wins over any stored role, and a stored
 * `owner` who is not it counts as a member (a former owner whose leave stopped half-way).
 */
export function effectiveRole(
  group: StoredGroup,
  userId: string,
  stored: Role | null,
): Role | null {
  if (stored === null) return null;
  if (group.owner_id === userId) return "owner";
  return stored === "owner" ? "member" : stored;
}

/** What `requireAllowed` found: the group and the roles it checked. */
export interface Allowed {
  group: StoredGroup;
  role: Role;
  targetRole?: Role;
}

/**
 * Throws unless `userId` may do `action` in the group (`not_found` for an unknown group or
 * target, `forbidden` for a non-member or a refused action, `bad_request` for acting on oneself
 * where the protocol names another way).
 */
export async function requireAllowed(
  deps: CoreDeps,
  groupId: string,
  userId: string,
  action: Action,
  targetId?: string,
): Promise<Allowed> {
  const group = await requireGroup(deps, groupId);
  const details = { group_id: groupId };
  const [stored, targetStored] = await Promise.all([
    deps.store.roleOf(groupId, userId),
    targetId === undefined ? null : deps.store.roleOf(groupId, targetId),
  ]);
  const role = effectiveRole(group, userId, stored);
  if (role === null) {
    throw new ChatError(
      "forbidden",
      "You are not a member of this group",
      details,
    );
  }
  const kind = group.kind ?? "group";
  const targetRole = targetId === undefined
    ? undefined
    : effectiveRole(group, targetId, targetStored) ?? undefined;
  const self = targetId === userId;
  if (action === "remove_member" && self && kind === "group") {
    throw new ChatError("bad_request", "To leave a group, use leave", details);
  }
  if (
    targetId !== undefined && targetRole === undefined && kind === "group" &&
    action !== "unban"
  ) {
    throw new ChatError("not_found", "No such member of this group", details);
  }
  if (!allowed(action, { kind, role, targetRole, self })) {
    throw new ChatError("forbidden", refusal(action, kind), details);
  }
  return { group, role, targetRole };
}

function refusal(action: Action, kind: "group" | "dm"): string {
  if (kind === "dm") return "Direct messages have no owner or admins";
  if (action === "set_role") {
    return "Only the owner changes roles, and not their own";
  }
  if (action === "remove_member") {
    return "Admins remove members only; the owner cannot be removed";
  }
  return "Only the owner or an admin may do this";
}

/**
 * Whether the user may delete others' messages in the group (§4 `delete`: an owner or admin).
 * For callers that checked membership already and hold the group.
 */
export async function moderates(
  deps: CoreDeps,
  group: StoredGroup,
  userId: string,
): Promise<boolean> {
  const role = effectiveRole(
    group,
    userId,
    await deps.store.roleOf(group.id, userId),
  );
  return role !== null &&
    allowed("delete_any_message", { kind: group.kind ?? "group", role });
}
