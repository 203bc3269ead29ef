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
    ...(frame.reply_to === undefined ? {} : { replyTo: frame.reply_to }),
    subscribed: connection.streams.has(frame.group_id),
    attachmentIds: frame.attachment_ids,
  });
  if (result.duplicate) {
    // The nonce record keeps the message as it was created, so its rev is the creation event's
    // (a deletion replaces the record with the tombstone, whose rev is not: then none is sent).
    const { message } = result;
    connection.sendText(
      messageFrameText(message, message.deleted ? undefined : message.rev),
    );
  }
  await stopTyping(gw, connection, frame.group_id);
}
