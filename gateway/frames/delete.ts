/** `delete` (§4): the author or the group's owner erases a message. No reply on success: the
 * tombstone arrives as `message_update`; deleting a deleted message publishes nothing. */
import { changeMessage } from "../../lib/core/changes.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export async function handleDelete(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"delete">,
): Promise<void> {
  await changeMessage(gw.deps, connection.caller!.user, {
    kind: "delete",
    groupId: frame.group_id,
    seq: frame.seq,
  });
}
