/** `read`: store the reader's position and tell the group (`read_receipt`). */
import { markRead } from "../../lib/core/read_state.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export async function handleRead(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"read">,
): Promise<void> {
  await markRead(gw.deps, connection.userId!, frame.group_id, frame.seq);
}
