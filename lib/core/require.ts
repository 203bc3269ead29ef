/**
 * The two look-ups most use cases start with: the group exists, the caller belongs to it. Kept
 * apart from `groups.ts` so the permission rules can use them without an import cycle.
 */
import { errors } from "../protocol/errors.ts";
import type { StoredGroup } from "../store/store.ts";
import type { CoreDeps } from "./deps.ts";

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
