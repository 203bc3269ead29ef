/**
 * The bus port: how instances exchange events, and the ordered, durable hand-off of messages.
 *
 * Contract (every adapter runs `tests/contracts/bus_contract.ts`):
 * - `append` is the only way a chat message enters the system. Atomically it assigns the group's
 *   next `seq` (1, 2, 3… with no gap and no repeat across every instance sharing the bus),
 *   records the nonce for idempotency, keeps the message in the group's recovery buffer, hands
 *   it to the persistence hand-off and publishes it on `topics.group(groupId)`. Either all of
 *   that happens or none of it does (a failure throws `ChatError` `unavailable`).
 * - A repeated `(group_id, author.id, nonce)` within `limits.nonceTtlMs` is not appended again:
 *   the first message is returned with `status: "duplicate"` and nothing is published.
 * - When the bus has no seq counter for a group (first use, or its data was lost) and no
 *   `floorSeq` is given, `append` answers `need_floor`: the caller reads the store's head and
 *   calls again with it. The next seq is then `max(counter, floorSeq) + 1`.
 * - Delivery: an event published on a topic reaches the listener of every instance subscribed
 *   to that topic, the publisher's own included, at most once, in publish order per topic. The
 *   publisher does not deliver locally before the bus does.
 * - `subscribe`/`unsubscribe` are idempotent per topic; reference counting is the caller's job.
 * - `recent` returns what the recovery buffer holds above `afterSeq`, ascending. The buffer is
 *   bounded (`recoveryBuffer` below) so it may start later than `afterSeq + 1`: the caller
 *   checks contiguity.
 * - The hand-off delivers every appended message to `readHandoff` at least once across all
 *   consumers until it is acknowledged; entries a dead consumer left unacknowledged are
 *   eventually handed to a live one.
 * - The hand-off is bounded and never drops an entry: once `handoffMaxBacklog` messages wait
 *   unacknowledged (the store has been down long), `append` refuses new messages with
 *   `ChatError` `unavailable` and changes nothing, until acknowledgements make room. A repeated
 *   nonce is still answered `duplicate`.
 */
import type { BusEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Attachment, Message, User } from "../protocol/types.ts";

/** A message before the bus gives it its seq. */
export interface MessageDraft {
  id: string;
  group_id: string;
  author: User;
  text: string;
  nonce: string | null;
  created_at: string;
  /** §5: resolved attachments, absent when none. */
  attachments?: Attachment[];
}

export type AppendOutcome =
  | { status: "appended"; message: Message }
  | { status: "duplicate"; message: Message }
  | { status: "need_floor" };

/** One message waiting to be written to the store; `id` is the hand-off's own entry id. */
export interface HandoffEntry {
  id: string;
  message: Message;
}

/** Called for every event delivered to this instance. Must not throw. */
export type BusListener = (topic: string, event: BusEvent) => void;

/** Bounds of the recovery buffer kept per group. */
export const recoveryBuffer = {
  /** Messages kept per group. */
  maxMessages: 1000,
  /** A group's buffer expires this long after its last message. */
  maxAgeMs: 24 * 60 * 60 * 1000,
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

export interface Bus {
  /** Orders, records and publishes a message (see the contract above). */
  append(
    draft: MessageDraft,
    options?: { floorSeq?: number },
  ): Promise<AppendOutcome>;
  /** Publishes an ephemeral event (typing, read receipt, presence, membership, logout). */
  publish(topic: string, event: BusEvent): Promise<void>;
  /** Starts delivering a topic's events to this instance's listener. */
  subscribe(topic: string): Promise<void>;
  /** Stops delivering a topic's events. */
  unsubscribe(topic: string): Promise<void>;
  /** Sets the single listener of this instance. */
  setListener(listener: BusListener): void;
  /**
   * Sets what to call when delivery resumes after the bus connection was lost. Messages missed
   * meanwhile are recovered by the adapter; other events (membership, logout, typing, presence)
   * may be lost, so the listener re-checks what depends on them.
   */
  setResumeListener(listener: () => void): void;
  /** Buffered messages of a group with `seq > afterSeq`, ascending. */
  recent(groupId: string, afterSeq: number): Promise<Message[]>;
  /** The last seq the bus assigned in a group, or null when it has no counter for it. */
  headSeq(groupId: string): Promise<number | null>;
  /** Up to `max` unacknowledged hand-off entries for `consumer`, waiting up to `blockMs`. */
  readHandoff(
    consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]>;
  /** Acknowledges entries once their messages are in the store. */
  ackHandoff(ids: string[]): Promise<void>;
  /** True when the bus is reachable. */
  healthy(): Promise<boolean>;
  /** Releases connections and wakes any pending `readHandoff`. */
  close(): Promise<void>;
}
