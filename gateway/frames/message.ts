/**
 * `message`: publish through the core's send flow. No reply on success: the sender receives its
 * own message from the bus like everyone else. A nonce retry gets the original sent again.
 */
import { sendMessage } from "../../lib/core/messages.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import { messageFrameText } from "../../lib/protocol/server_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";
import { stopTyping } from "./typing.ts";

export async function handleMessage(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"message">,
): Promise<void> {
  const result = await sendMessage(gw.deps, connection.caller!.user, {
    groupId: frame.group_id,
    text: frame.text,
    nonce: frame.nonce ?? null,
    subscribed: connection.streams.has(frame.group_id),
    attachmentIds: frame.attachment_ids,
  });
  if (result.duplicate) {
    connection.sendText(messageFrameText(result.message));
  }
  await stopTyping(gw, connection, frame.group_id);
}
