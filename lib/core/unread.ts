/**
 * Unread and mention counts (PROTOCOL.md §4): a reader's unread messages are those by other users
 * with `seq > last_read_seq` that are not deleted; the mention count is those that mention the
 * reader. Counted from the messages' current states, so a deletion lowers both at once.
 */
import type { CoreDeps } from "./deps.ts";
import { loadRange } from "./history.ts";

/** Most messages read per group to count; older unread ones count as unread, not as mentions. */
export const maxCounted = 1000;

export interface UnreadCounts {
  unread: number;
  mentions: number;
}

/** The counts of `userId` in `groupId`, given its read position and the group's head. */
export async function unreadCounts(
  deps: CoreDeps,
  userId: string,
  groupId: string,
  lastRead: number,
  head: number,
): Promise<UnreadCounts> {
  if (head <= lastRead) return { unread: 0, mentions: 0 };
  const from = Math.max(lastRead + 1, head - maxCounted + 1);
  let unread = from - lastRead - 1;
  let mentions = 0;
  for (const m of await loadRange(deps, groupId, from, head)) {
    if (m.deleted || m.author.id === userId) continue;
    unread++;
    if (m.mentions?.includes(userId)) mentions++;
  }
  return { unread, mentions };
}
