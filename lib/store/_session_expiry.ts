/** When a stored session stops counting, the same for every adapter. */
import type { StoredSession } from "./store.ts";

/** True while `session` has not reached `expires_at`; an unparsable expiry counts as expired. */
export function isLive(session: StoredSession): boolean {
  // NaN compares false.
  return Date.parse(session.expires_at) > Date.now();
}
