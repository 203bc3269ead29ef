/** Read positions: stored, monotonic, and told to the group's subscribers. */
import { topics } from "../bus/topics.ts";
import type { CoreDeps } from "./deps.ts";
import { requireMember } from "./require.ts";
import { groupHead } from "./history.ts";

/**
 * Marks messages up to `seq` (clamped to the head) read; answers the stored position. Only a
 * move forward is told to the group: a repeated or older `read` publishes nothing, so a client
 * (or a loop) re-sending its position cannot flood every subscriber with receipts.
 */
export async function markRead(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  seq: number,
): Promise<number> {
  await requireMember(deps, groupId, userId);
  const target = Math.min(seq, await groupHead(deps, groupId));
  const before = (await deps.store.reads.ofUser(userId, [groupId]))
    .get(groupId) ?? 0;
  if (target <= before) return before;
  const stored = await deps.store.reads.advance(groupId, userId, target);
  if (stored === target) {
    await deps.bus.publish(topics.group(groupId), {
      kind: "read",
      group_id: groupId,
      user_id: userId,
      seq: stored,
    });
  }
  return stored;
}
