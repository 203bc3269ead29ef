/** `react` / `unreact` (§4): add or remove the caller's reaction. No reply on success; a
 * reaction that is already there (or already gone) publishes nothing. */
import { changeMessage } from "../../lib/core/changes.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export async function handleReact(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"react" | "unreact">,
): Promise<void> {
  await changeMessage(gw.deps, connection.caller!.user, {
    kind: frame.type,
    groupId: frame.group_id,
    seq: frame.seq,
    emoji: frame.emoji,
  });
}
