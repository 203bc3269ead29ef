/** `presence_status` (an addition): the client's person is idle or back; see `gateway/idle.ts`. */
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";
import { announceIdle, idleTracker } from "../idle.ts";

export async function handlePresenceStatus(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"presence_status">,
): Promise<void> {
  const userId = connection.userId!;
  const changed = idleTracker(gw.hub).report(userId, connection.id, frame.idle);
  if (changed !== null) await announceIdle(gw.deps, userId, changed);
}
