/** `identify` and the transition to `ready` (also taken at once for cookie-authenticated sockets). */
import { authenticate, type Caller } from "../../lib/core/accounts.ts";
import { groupsOfUser } from "../../lib/core/groups.ts";
import {
  socketClosed,
  socketOpened,
} from "../../lib/core/presence_announcer.ts";
import { CloseCode, errors } from "../../lib/protocol/errors.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";

export async function handleIdentify(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"identify">,
): Promise<void> {
  if (!connection.claimIdentity()) {
    throw errors.badRequest(
      "This socket is already identified: one socket, one identity",
    );
  }
  try {
    const caller = await authenticate(gw.deps, frame.token);
    if (!caller) {
      connection.sendError(
        errors.unauthorized("Invalid or expired token"),
        frame.ref,
      );
      connection.close(CloseCode.unauthorized, "Unauthorized");
      return;
    }
    await becomeReady(gw, connection, caller);
  } finally {
    connection.releaseIdentity();
  }
}

/** Registers the socket, sends `ready` and announces presence; the caller claimed the identity. */
export async function becomeReady(
  gw: Gateway,
  connection: Connection,
  caller: Caller,
) {
  // The caller is set only once `ready` can be sent: a failure here (store or bus down) leaves
  // the socket unidentified, so the client may retry `identify`.
  const groups = await groupsOfUser(gw.deps, caller.user.id);
  if (connection.closed) return;
  connection.caller = caller;
  gw.hub.add(connection);
  connection.send({
    type: "ready",
    session_id: connection.id,
    user: caller.user,
    groups,
  });
  try {
    await socketOpened(gw.deps, caller.user.id, connection.id);
    // Closed while being recorded: the close handler may have run first, so undo here.
    if (connection.closed) {
      await socketClosed(gw.deps, caller.user.id, connection.id);
    }
  } catch (err) {
    console.warn(
      "presence: could not record a socket:",
      (err as Error)?.message,
    );
  }
}
