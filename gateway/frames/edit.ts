/** `edit` (§4): the author replaces a message's text. No reply on success: the change arrives
 * as `message_update`, the sender included. */
import { changeMessage } from "../../lib/core/changes.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export async function handleEdit(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"edit">,
): Promise<void> {
  await changeMessage(gw.deps, connection.caller!.user, {
    kind: "edit",
    groupId: frame.group_id,
    seq: frame.seq,
    text: frame.text,
  });
}
