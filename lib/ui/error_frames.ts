/**
 * What an `error` frame means to the tab, decided without side effects: a message of the outbox
 * failed, the reader is no longer in a group, or a notice to show.
 */
import type { ServerFrameOf } from "../protocol/server_frames.ts";
import { sendErrorText } from "./error_text.ts";

/** Refs of edit, delete and reaction frames start with this, so their errors read as such. */
export const actionRefPrefix = "act-";

/** The consequence of one error frame. */
export type ErrorOutcome =
  | { kind: "failed"; nonce: string; text: string }
  | { kind: "left"; groupId: string }
  | { kind: "notice"; text: string };

/** Decides what an error frame means; `pending` tells whether a nonce is in the outbox. */
export function errorOutcome(
  f: ServerFrameOf<"error">,
  pending: (nonce: string) => boolean,
): ErrorOutcome {
  const text = sendErrorText(f.code, f.message, f.retry_after_ms);
  if (f.nonce && pending(f.nonce)) {
    return { kind: "failed", nonce: f.nonce, text };
  }
  // An edit, delete or reaction was refused: say so, whatever the group (§4 errors name it).
  if (f.ref?.startsWith(actionRefPrefix)) return { kind: "notice", text };
  // A subscribe refused for a group means the reader is no longer in it.
  if (f.group_id && (f.code === "forbidden" || f.code === "not_found")) {
    return { kind: "left", groupId: f.group_id };
  }
  return { kind: "notice", text };
}
