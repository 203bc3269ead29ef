/**
 * The embedded bus: one instance, nothing to install, and crash-safe on a Deno KV file.
 *
 * Each append (a new message, or a change with `appendUpdate`) is one atomic commit: the group's
 * counters' check-and-set (versionstamp check), the message's pending state, the event in the
 * recovery buffer (the entry that falls out of it deleted in the same commit), the durable
 * hand-off reference, the backlog count, and the nonce record (new messages) or the basis checks
 * and erasure (changes). Only once that commit succeeded is the event published, in-process, to
 * the listener: whatever a client received is on disk, a SIGKILL at any moment loses nothing
 * anyone saw, the counters continue from the file (never from the store's heads, which lag), and
 * a nonce retried after a restart is still a duplicate. Ephemeral events (`publish`) stay in
 * memory.
 *
 * The writers are `_kv_bus_writer.ts`, the commit `_kv_bus_append.ts`, pending states and
 * erasure `_kv_bus_pending.ts`. A group's appends run one after another (`SerialLanes`), and the
 * counters' value and versionstamp are remembered from the last commit, so most appends read
 * nothing before their commit; the checks still catch a repeated nonce (then the counters and
 * nonce are read) and another process writing the same file. Appends of other groups that are ready while a commit is in flight
 * share the next one (`_kv_bus_commits.ts`).
 */
import type { BusEvent, GroupEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import { listEntries } from "../store/_kv_reads.ts";
import {
  type AppendOutcome,
  type Bus,
  type BusListener,
  checkFloors,
  defaultHandoffMaxBacklog,
  type Floors,
  type HandoffEntry,
  type HandoffStats,
  type MessageDraft,
  type PendingStates,
  pendingStates,
  type UpdateDraft,
  type UpdateOutcome,
} from "./bus.ts";
import { topics } from "./topics.ts";
import { KvHandoff } from "./_kv_bus_handoff.ts";
import { backlogKey, recentKey, recentPrefix } from "./_kv_bus_keys.ts";
import { KvPending } from "./_kv_bus_pending.ts";
import { KvAppender } from "./_kv_bus_append.ts";
import { readHeadSeqs } from "./_kv_bus_heads.ts";
import { closedError, KvEventWriter } from "./_kv_bus_writer.ts";
import { LocalDelivery } from "./_local_delivery.ts";
import { SerialLanes } from "./_serial_lanes.ts";

/** Options of the embedded bus. */
export interface KvBusOptions {
  /** Most events waiting for the store before appends refuse (default 100,000). */
  handoffMaxBacklog?: number;
  /** A hand-off entry read and not acknowledged this long is handed out again (default 30 s). */
  claimIdleMs?: number;
  /** Whether `close()` closes the KV handle; false when the store shares it (default true). */
  closeKv?: boolean;
  /** A group's marked pending states are dropped this long after the first mark (tests). */
  markMaxAgeMs?: number;
  /** How often the sweep for such groups runs (tests). */
  sweepEveryMs?: number;
}

export class KvBus implements Bus {
  #closed = false;
  #delivery = new LocalDelivery();
  #lanes = new SerialLanes();
  #appender: KvAppender;
  #pending: KvPending;
  #writer: KvEventWriter;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly kv: Deno.Kv,
    private readonly handoff: KvHandoff,
    private readonly options: KvBusOptions,
  ) {
    this.#pending = new KvPending(kv);
    this.#appender = new KvAppender(kv);
    this.#writer = new KvEventWriter({
      kv,
      appender: this.#appender,
      handoff,
      pending: this.#pending,
      maxBacklog: options.handoffMaxBacklog ?? defaultHandoffMaxBacklog,
      deliver: (event) =>
        this.#delivery.deliver(topics.group(event.group_id), event),
      closed: () => this.#closed,
    });
  }

  /** Opens the bus on `kv` (a file of its own, or the store's handle with `closeKv: false`). */
  static async open(kv: Deno.Kv, options: KvBusOptions = {}): Promise<KvBus> {
    try {
      const handoff = await KvHandoff.load(kv, options.claimIdleMs ?? 30_000);
      const bus = new KvBus(kv, handoff, options);
      // Quiet groups keep no pending states: their marks are dropped by age (see `bus.ts`).
      bus.#sweeper = setInterval(() => {
        bus.#sweep().catch(() => {/* the next sweep tries again */});
      }, options.sweepEveryMs ?? pendingStates.sweepEveryMs);
      return bus;
    } catch (err) {
      throw unavailable("Cannot open the embedded bus", err);
    }
  }

  append(draft: MessageDraft, floors: Floors = {}): Promise<AppendOutcome> {
    return this.#inLane(
      draft.group_id,
      floors,
      "append the message",
      () => this.#writer.append(draft, floors),
    );
  }

  appendUpdate(
    draft: UpdateDraft,
    floors: Floors = {},
  ): Promise<UpdateOutcome> {
    return this.#inLane(
      draft.message.group_id,
      floors,
      "append the change",
      () => this.#writer.appendUpdate(draft, floors),
    );
  }

  async pendingStates(
    groupId: string,
    seqs: number[],
  ): Promise<PendingStates> {
    try {
      return await this.#pending.read(groupId, seqs);
    } catch (err) {
      throw unavailable("Cannot read pending states", err);
    }
  }

  markPersisted(
    groupId: string,
    persisted: Array<{ seq: number; rev: number }>,
  ): Promise<void> {
    if (persisted.length === 0) return Promise.resolve();
    // In the group's lane: a drop never races an append's check of the same keys.
    return this.#lanes.run(groupId, async () => {
      try {
        await this.#pending.markPersisted(groupId, persisted);
      } catch (err) {
        throw unavailable("Cannot mark states persisted", err);
      }
    });
  }

  publish(topic: string, event: BusEvent): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#delivery.deliver(topic, event);
    return Promise.resolve();
  }

  subscribe(topic: string): Promise<void> {
    this.#delivery.subscribe(topic);
    return Promise.resolve();
  }

  unsubscribe(topic: string): Promise<void> {
    this.#delivery.unsubscribe(topic);
    return Promise.resolve();
  }

  setListener(listener: BusListener): void {
    this.#delivery.listener = listener;
  }

  setResumeListener(_listener: () => void): void {
    // In-process delivery is never interrupted.
  }

  async recent(groupId: string, afterRev: number): Promise<GroupEvent[]> {
    const after = Number.isFinite(afterRev)
      ? Math.max(0, Math.floor(afterRev))
      : 0;
    try {
      const entries = await listEntries<GroupEvent>(this.kv, {
        prefix: recentPrefix(groupId),
        start: recentKey(groupId, after + 1),
      });
      // A file written before events had revs buffers bare messages: they are no events.
      return entries.map((e) => e.value).filter((e) =>
        typeof e?.rev === "number" && !!e.kind
      );
    } catch (err) {
      throw unavailable("Cannot read the recovery buffer", err);
    }
  }

  async headSeq(groupId: string): Promise<number | null> {
    return (await this.#appender.head(groupId)).seq;
  }

  headSeqs(groupIds: string[]): Promise<Map<string, number>> {
    return readHeadSeqs(this.kv, this.#appender, groupIds);
  }

  async headRev(groupId: string): Promise<number | null> {
    return (await this.#appender.head(groupId)).rev;
  }

  async readHandoff(
    consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]> {
    if (this.#closed) return [];
    try {
      return await this.handoff.read(consumer, max, blockMs);
    } catch (err) {
      if (this.#closed) return [];
      throw err instanceof ChatError
        ? err
        : unavailable("Cannot read the hand-off", err);
    }
  }

  async ackHandoff(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.handoff.ack(ids);
    } catch (err) {
      throw err instanceof ChatError
        ? err
        : unavailable("Cannot acknowledge the hand-off", err);
    }
  }

  async healthy(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await this.kv.get(backlogKey);
      return true;
    } catch {
      return false;
    }
  }

  async handoffStats(): Promise<HandoffStats> {
    try {
      const oldestAt = await this.handoff.oldestAt();
      return { backlog: this.handoff.backlog, oldestAt };
    } catch (err) {
      throw unavailable("Cannot read the hand-off", err);
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#delivery.clear();
    this.handoff.wakeAll();
    if (this.options.closeKv ?? true) this.kv.close();
    return Promise.resolve();
  }

  /** Runs an append in its group's lane, with checked floors and `unavailable` on failure. */
  #inLane<T>(
    groupId: string,
    floors: Floors,
    what: string,
    task: () => Promise<T>,
  ): Promise<T> {
    try {
      checkFloors(floors);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#closed) return Promise.reject(closedError());
    return this.#lanes.run(groupId, async () => {
      try {
        return await task();
      } catch (err) {
        throw err instanceof ChatError
          ? err
          : unavailable(`Cannot ${what}`, err);
      }
    });
  }

  /** Drops the marks of groups whose first mark is older than `maxMarkAgeMs`, in their lanes. */
  async #sweep(): Promise<void> {
    const maxAge = this.options.markMaxAgeMs ?? pendingStates.maxMarkAgeMs;
    for (const groupId of await this.#pending.staleGroups(Date.now(), maxAge)) {
      if (this.#closed) return;
      await this.#lanes.run(groupId, () => this.#pending.drop(groupId));
    }
  }
}

function unavailable(what: string, cause: unknown): ChatError {
  return new ChatError(
    "unavailable",
    `${what}: the embedded bus's KV file is unusable`,
    {},
    { cause },
  );
}
