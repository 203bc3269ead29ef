/** `unsubscribe`: stop a socket's delivery of some groups. Answer: `unsubscribed`. */
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export function handleUnsubscribe(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"unsubscribe">,
): Promise<void> {
  const groupIds = [...new Set(frame.group_ids)];
  for (const groupId of groupIds) gw.hub.unsubscribe(connection, groupId);
  const ref = frame.ref === undefined ? {} : { ref: frame.ref };
  connection.send({ type: "unsubscribed", group_ids: groupIds, ...ref });
  return Promise.resolve();
}
