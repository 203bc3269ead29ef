/**
 * Replay by rev (PROTOCOL.md §4, `since_rev`, and the per-socket gap fill): every event of a
 * group with a rev in a range, one per rev, each with its message's state as of that event or
 * later. From the bus's recovery buffer when it covers the range, else from the store's event
 * index (states read as `currentStates` reads them) followed by the buffer; null when the range
 * cannot be served whole (the client must `resync`).
 */
import type { GroupEvent } from "../protocol/bus_events.ts";
import type { CoreDeps } from "./deps.ts";
import { currentStates, maxReplay } from "./history.ts";

/** The events with `afterRev < rev <= toRev`, ascending, or null when they cannot all be served. */
export async function missedEvents(
  deps: CoreDeps,
  groupId: string,
  afterRev: number,
  toRev: number,
): Promise<GroupEvent[] | null> {
  if (afterRev > toRev) return null;
  if (afterRev === toRev) return [];
  if (toRev - afterRev > maxReplay) return null;
  const buffered = (await deps.bus.recent(groupId, afterRev)).filter((e) =>
    e.rev <= toRev
  );
  const firstBuffered = buffered[0]?.rev ?? toRev + 1;
  const older = firstBuffered > afterRev + 1
    ? await fromStore(deps, groupId, afterRev, firstBuffered - 1)
    : [];
  if (older === null) return null;
  const events = [...older, ...buffered];
  const whole = events.length === toRev - afterRev &&
    events.every((e, i) => e.rev === afterRev + 1 + i);
  return whole ? events : null;
}

/** Indexed events in `(afterRev, toRev]` with current states, or null when one has no state. */
async function fromStore(
  deps: CoreDeps,
  groupId: string,
  afterRev: number,
  toRev: number,
): Promise<GroupEvent[] | null> {
  const refs =
    (await deps.store.eventsAfter(groupId, afterRev, toRev - afterRev))
      .filter((r) => r.rev <= toRev);
  const { states } = await currentStates(
    deps,
    groupId,
    [...new Set(refs.map((r) => r.seq))],
  );
  const events: GroupEvent[] = [];
  for (const ref of refs) {
    const message = states.get(ref.seq);
    if (!message || (message.rev ?? 0) < ref.rev) return null;
    events.push({ kind: ref.kind, group_id: groupId, rev: ref.rev, message });
  }
  return events;
}
