/**
 * The bus port: how instances exchange events, and the ordered, durable log of every group's
 * history (new messages and their changes: edits, deletions, reactions).
 *
 * Contract (every adapter runs `tests/contracts/bus_contract.ts`):
 * - `append` and `appendUpdate` are the only ways an event enters a group's history. Atomically
 *   each assigns the group's next `rev` (1, 2, 3… with no gap and no repeat across every instance
 *   sharing the bus; a new message also takes the next `seq`), writes the message's state after
 *   the event (with `rev` = that rev) into the group's pending states, keeps the event in the
 *   group's recovery buffer, hands a reference to it (group, seq, rev, kind: no text) to the
 *   persistence hand-off and publishes it on `topics.group(groupId)`. Either all of that happens
 *   or none of it does (a failure throws `ChatError` `unavailable`).
 * - A repeated `(group_id, author.id, nonce)` within `limits.nonceTtlMs` is not appended again:
 *   the first message is returned with `status: "duplicate"` and nothing is published.
 * - When the bus has no seq or rev counter for a group (first use, or its data was lost) and no
 *   floor is given, appends answer `need_floor`: the caller reads the store's heads and calls
 *   again with them. The next seq is then `max(counter, floorSeq) + 1`, the next rev
 *   `max(counter, floorRev) + 1` (a missing `floorRev` counts as 0).
 * - Pending states: the state of every message whose latest event is not yet known to be in the
 *   store lives in the bus (`pendingStates`). The projector calls `markPersisted(seq, rev)` once
 *   the store holds that rev; the adapter may then drop the entry (only if it still holds that
 *   rev), and whenever it drops entries it raises the group's `prunedRev` to the highest rev it
 *   dropped. Adapters drop in batches (`pendingStates.pruneBatch` persisted entries at a time) so
 *   `prunedRev` moves rarely, and a periodic sweep drops a group's marked entries at the latest
 *   `pendingStates.maxMarkAgeMs` after the first was marked, so quiet groups keep nothing: what
 *   the bus holds is bounded by recent traffic, not by the number of groups.
 * - `appendUpdate` is a compare-and-set. The core reads a message's state from `pendingStates`
 *   first, and from the store only when the bus has none, and says which one its change is based
 *   on: `{ pendingRev }` is accepted only while the pending entry still has that rev; `{ prunedRev }`
 *   only while there is still no pending entry and the group's `prunedRev` is unchanged. Anything
 *   else answers `conflict` (the core re-reads and retries). Why this loses no change:
 *   - Any event appended after the core's read either still has its pending entry (so the entry's
 *     rev differs, or an entry now exists) or was dropped, which raised `prunedRev` above the
 *     value read (dropped revs are above the group's head at the read, and that head ≥ prunedRev).
 *   - An entry missing at the read was dropped after its rev was stored, so the store read that
 *     follows sees that state or a later one.
 *   - Reading the store before the bus would be unsafe: an entry persisted and dropped between the
 *     two reads would be seen in neither.
 * - Erasing: an `appendUpdate` with `erase: true` (a deletion) also replaces, in the same step,
 *   every copy of the message the bus keeps (recovery buffer events, the nonce record) with the
 *   new state, so the erased text survives nowhere in the bus. Hand-off entries never hold text.
 * - Delivery: an event published on a topic reaches the listener of every instance subscribed
 *   to that topic, the publisher's own included, at most once, in publish order per topic. The
 *   publisher does not deliver locally before the bus does.
 * - `subscribe`/`unsubscribe` are idempotent per topic; reference counting is the caller's job.
 * - `recent` returns what the recovery buffer holds above `afterRev`, ascending by rev. The
 *   buffer is bounded (`recoveryBuffer` below) so it may start later than `afterRev + 1`: the
 *   caller checks contiguity. Each event's message is its state as of that event or later.
 * - The hand-off delivers every event reference to `readHandoff` at least once across all
 *   consumers until it is acknowledged; entries a dead consumer left unacknowledged are
 *   eventually handed to a live one.
 * - The hand-off is bounded and never drops an entry: once `handoffMaxBacklog` messages wait
 *   unacknowledged (the store has been down long), `append` refuses new messages with
 *   `ChatError` `unavailable` and changes nothing, until acknowledgements make room. A repeated
 *   nonce is still answered `duplicate`.
 */
import type { BusEvent, GroupEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Attachment, Message, User } from "../protocol/types.ts";

/** A message before the bus gives it its seq and rev. */
export interface MessageDraft {
  id: string;
  group_id: string;
  author: User;
  text: string;
  nonce: string | null;
  created_at: string;
  /** §5: resolved attachments, absent when none. */
  attachments?: Attachment[];
  reply_to?: number;
  mentions?: string[];
}

/** What a change was computed from (see the compare-and-set clause above). */
export type UpdateBasis = { pendingRev: number } | { prunedRev: number };

/** A change to an existing message: its whole state after the change (the bus sets `rev`). */
export interface UpdateDraft {
  message: Message;
  basis: UpdateBasis;
  /** A deletion: every copy the bus keeps of the message takes the new state. */
  erase: boolean;
}

/** Counter floors read from the store, for a bus that lost (or never had) a group's counters. */
export interface Floors {
  floorSeq?: number;
  floorRev?: number;
}

export type AppendOutcome =
  | { status: "appended"; message: Message }
  | { status: "duplicate"; message: Message }
  | { status: "need_floor" };

export type UpdateOutcome =
  | { status: "appended"; message: Message }
  | { status: "conflict" }
  | { status: "need_floor" };

/** A reference to one event of a group's history, as the hand-off carries it. */
export interface EventRef {
  group_id: string;
  seq: number;
  rev: number;
  kind: GroupEvent["kind"];
}

/** One event waiting to be written to the store; `id` is the hand-off's own entry id. */
export interface HandoffEntry {
  id: string;
  event: EventRef;
}

/** The pending states of some messages of a group, and the group's `prunedRev`. */
export interface PendingStates {
  states: Map<number, Message>;
  prunedRev: number;
}

/** What the hand-off holds, for operators (metrics, `/readyz`). */
export interface HandoffStats {
  /** Messages waiting for the store (appended, not yet acknowledged). */
  backlog: number;
  /** When the oldest of them entered the hand-off (epoch ms), null when none waits. */
  oldestAt: number | null;
}

/** Called for every event delivered to this instance. Must not throw. */
export type BusListener = (topic: string, event: BusEvent) => void;

/** Bounds of the recovery buffer kept per group. */
export const recoveryBuffer = {
  /** Events kept per group. */
  maxEvents: 1000,
  /** A group's buffer expires this long after its last event. */
  maxAgeMs: 24 * 60 * 60 * 1000,
} as const;

/** How pending states are dropped once persisted. */
export const pendingStates = {
  /** Persisted entries a group collects before they are dropped together. */
  pruneBatch: 256,
  /** Most seqs one `pendingStates` call reads. */
  maxRead: 1000,
  /** A group's marked entries are dropped at the latest this long after the first mark. */
  maxMarkAgeMs: 60_000,
  /** How often an adapter sweeps for groups whose marks are that old. */
  sweepEveryMs: 10_000,
  /** Most groups one sweep drops (the next sweep takes the rest). */
  sweepGroups: 100,
} as const;

/** Default bound of the hand-off backlog: about 17 minutes of 100 messages a second. */
export const defaultHandoffMaxBacklog = 100_000;

/** How long a client refused for a full hand-off is asked to wait before trying again. */
const backlogRetryMs = 5_000;

/** The refusal of an append while the hand-off backlog is at its bound. */
export function backlogFull(): ChatError {
  return new ChatError(
    "unavailable",
    "Messages cannot be saved right now (the history store is behind); try again later",
    { retry_after_ms: backlogRetryMs },
  );
}

/** Refuses floors that are not counters (both adapters check before touching anything). */
export function checkFloors(floors: Floors): void {
  for (const floor of [floors.floorSeq, floors.floorRev]) {
    if (floor !== undefined && !(Number.isSafeInteger(floor) && floor >= 0)) {
      throw new ChatError(
        "bad_request",
        `Cannot append: floor ${floor} is not a counter`,
      );
    }
  }
}

export interface Bus {
  /** Orders, records and publishes a new message (see the contract above). */
  append(draft: MessageDraft, options?: Floors): Promise<AppendOutcome>;
  /** Orders, records and publishes a change to a message, if its basis still holds. */
  appendUpdate(draft: UpdateDraft, options?: Floors): Promise<UpdateOutcome>;
  /** The pending states of the given seqs of a group (absent: none pending). */
  pendingStates(groupId: string, seqs: number[]): Promise<PendingStates>;
  /** Tells the bus the store holds these states of a group's messages. */
  markPersisted(
    groupId: string,
    persisted: Array<{ seq: number; rev: number }>,
  ): Promise<void>;
  /** Publishes an ephemeral event (typing, read receipt, presence, membership, logout). */
  publish(topic: string, event: BusEvent): Promise<void>;
  /** Starts delivering a topic's events to this instance's listener. */
  subscribe(topic: string): Promise<void>;
  /** Stops delivering a topic's events. */
  unsubscribe(topic: string): Promise<void>;
  /** Sets the single listener of this instance. */
  setListener(listener: BusListener): void;
  /**
   * Sets what to call when delivery resumes after the bus connection was lost. Group events
   * missed meanwhile are recovered by the adapter; other events (membership, logout, typing,
   * presence) may be lost, so the listener re-checks what depends on them.
   */
  setResumeListener(listener: () => void): void;
  /** Buffered events of a group with `rev > afterRev`, ascending. */
  recent(groupId: string, afterRev: number): Promise<GroupEvent[]>;
  /** The last seq the bus assigned in a group, or null when it has no counter for it. */
  headSeq(groupId: string): Promise<number | null>;
  /**
   * The last seq the bus assigned in each of many groups, read in a few round trips rather than
   * one per group (a socket's `ready` asks for every group of its user). The map holds an entry
   * for each group with a counter, the value `headSeq` would answer; a group without one (where
   * `headSeq` answers null) has no entry. A repeated id is answered once; an empty list reads
   * nothing.
   */
  headSeqs(groupIds: string[]): Promise<Map<string, number>>;
  /** The last rev the bus assigned in a group, or null when it has no counter for it. */
  headRev(groupId: string): Promise<number | null>;
  /** Up to `max` unacknowledged hand-off entries for `consumer`, waiting up to `blockMs`. */
  readHandoff(
    consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]>;
  /** Acknowledges entries once their events are in the store. */
  ackHandoff(ids: string[]): Promise<void>;
  /** True when the bus is reachable. */
  healthy(): Promise<boolean>;
  /** What the hand-off holds; optional, an adapter that cannot tell leaves it out. */
  handoffStats?(): Promise<HandoffStats>;
  /** Releases connections and wakes any pending `readHandoff`. */
  close(): Promise<void>;
}
