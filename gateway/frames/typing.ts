/** `typing_start` / `typing_stop`, and the expiry of typing states that are not renewed. */
import { topics } from "../../lib/bus/topics.ts";
import { requireMember } from "../../lib/core/require.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export async function handleTyping(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"typing_start"> | FrameOf<"typing_stop">,
): Promise<void> {
  await requireMember(gw.deps, frame.group_id, connection.userId!);
  if (frame.type === "typing_stop") {
    return await stopTyping(gw, connection, frame.group_id);
  }
  if (connection.typing.start(frame.group_id, gw.deps.now())) {
    await publishTyping(gw, connection.userId!, frame.group_id, true);
  }
}

/** Ends a socket's typing state in a group, telling the group if it was typing. */
export async function stopTyping(
  gw: Gateway,
  connection: Connection,
  groupId: string,
) {
  if (connection.stopTyping(groupId)) {
    await publishTyping(gw, connection.userId!, groupId, false);
  }
}

/** Publishes a typing change; typing is best effort, so a bus failure is only logged. */
export async function publishTyping(
  gw: Gateway,
  userId: string,
  groupId: string,
  typing: boolean,
) {
  await gw.deps.bus.publish(topics.typing(groupId), {
    kind: "typing",
    group_id: groupId,
    user_id: userId,
    typing,
  });
}
