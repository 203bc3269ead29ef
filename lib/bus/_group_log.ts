/**
 * The per-group state an in-process adapter keeps for the event log: counters, pending states,
 * the recovery buffer and the prune bookkeeping. Pure data rules, no I/O, so every embedded
 * adapter applies the contract of `bus.ts` the same way (Redis does the same in Lua).
 */
import type { GroupEvent } from "../protocol/bus_events.ts";
import type { Message } from "../protocol/types.ts";
import {
  type EventRef,
  pendingStates,
  recoveryBuffer,
  type UpdateBasis,
} from "./bus.ts";

/** One group's log state. */
export interface GroupLog {
  seq: number | null;
  rev: number | null;
  pending: Map<number, Message>;
  /** Persisted (seq → rev) not yet dropped. */
  persisted: Map<number, number>;
  prunedRev: number;
  buffer: GroupEvent[];
}

export function emptyLog(): GroupLog {
  return {
    seq: null,
    rev: null,
    pending: new Map(),
    persisted: new Map(),
    prunedRev: 0,
    buffer: [],
  };
}

/** True when a change computed from `basis` may still be applied to message `seq`. */
export function basisHolds(
  log: GroupLog,
  seq: number,
  basis: UpdateBasis,
): boolean {
  const entry = log.pending.get(seq);
  if ("pendingRev" in basis) return entry?.rev === basis.pendingRev;
  return entry === undefined && log.prunedRev === basis.prunedRev;
}

/** Records an event: pending state, recovery buffer; answers the hand-off reference. */
export function record(log: GroupLog, event: GroupEvent): EventRef {
  log.pending.set(event.message.seq, event.message);
  log.persisted.delete(event.message.seq);
  log.buffer.push(event);
  if (log.buffer.length > recoveryBuffer.maxEvents) log.buffer.shift();
  return {
    group_id: event.group_id,
    seq: event.message.seq,
    rev: event.rev,
    kind: event.kind,
  };
}

/** Replaces every buffered state of the message with `state` (a deletion erases). */
export function eraseCopies(log: GroupLog, state: Message): void {
  log.buffer = log.buffer.map((e) =>
    e.message.seq === state.seq ? { ...e, message: state } : e
  );
}

/** Notes persisted states; drops them in batches once enough have gathered. */
export function notePersisted(
  log: GroupLog,
  persisted: Array<{ seq: number; rev: number }>,
): void {
  for (const { seq, rev } of persisted) {
    if (log.pending.get(seq)?.rev === rev) log.persisted.set(seq, rev);
  }
  if (log.persisted.size < pendingStates.pruneBatch) return;
  for (const [seq, rev] of log.persisted) {
    if (log.pending.get(seq)?.rev !== rev) continue;
    log.pending.delete(seq);
    log.prunedRev = Math.max(log.prunedRev, rev);
  }
  log.persisted.clear();
}
