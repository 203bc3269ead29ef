/**
 * Who may do what in a group, as PROTOCOL.md §6 says, for deciding which controls to show.
 * The server decides for real; these rules only keep the app from offering what it would refuse.
 */
import type { Group, Member, Role } from "../protocol/types.ts";

/** The reader's role in a group: from its member list, else from `owner_id`. */
export function roleIn(
  group: Group,
  members: readonly Member[] | undefined,
  meId: string | null,
): Role {
  const mine = members?.find((m) => m.id === meId)?.role;
  if (mine) return mine;
  return group.kind !== "dm" && group.owner_id === meId ? "owner" : "member";
}

/** Whether a group is a direct conversation. */
export function isDm(group: Group): boolean {
  return group.kind === "dm";
}

/** Owners and admins edit settings and rotate the invite; never in a DM. */
export function canManageGroup(group: Group, role: Role): boolean {
  return !isDm(group) && (role === "owner" || role === "admin");
}

/** Only the owner changes roles, never their own. */
export function canChangeRole(
  group: Group,
  role: Role,
  target: Member,
  meId: string | null,
): boolean {
  return !isDm(group) && role === "owner" && target.id !== meId &&
    target.role !== "owner";
}

/** The owner removes anyone else; an admin removes plain members only. */
export function canRemove(
  group: Group,
  role: Role,
  target: Member,
  meId: string | null,
): boolean {
  if (isDm(group) || target.id === meId || target.role === "owner") {
    return false;
  }
  if (role === "owner") return true;
  return role === "admin" && (target.role ?? "member") === "member";
}

/**
 * The name the reader sees for a group: for a DM the other person (the server names it
 * "a, b", the two usernames sorted), else its name.
 */
export function displayName(group: Group, myName: string | null): string {
  if (!isDm(group)) return group.name;
  const names = group.name.split(", ");
  const mine = myName?.toLowerCase();
  const other = names.find((n) => n.toLowerCase() !== mine);
  // A DM with oneself (or a name that does not split) shows as named.
  return other ?? names[0] ?? group.name;
}
