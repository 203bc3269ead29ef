/** Group changes as adapters apply them: an absent field leaves the stored one as it is. */
import type { GroupChanges } from "./store.ts";

/** The fields of `changes` that were given. */
export function definedChanges(changes: GroupChanges): GroupChanges {
  return Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  );
}
