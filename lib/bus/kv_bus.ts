/**
 * The embedded bus: one instance, nothing to install, and crash-safe on a Deno KV file.
 *
 * `append` is one atomic commit (`_kv_bus_append.ts`): the seq counter's check-and-set, the nonce
 * record, the recovery buffer, the durable hand-off (`_kv_bus_handoff.ts`) and its backlog count.
 * Only once that commit succeeded is the message published, in-process, to the listener: whatever
 * a client received is on disk, so a SIGKILL at any moment loses nothing anyone saw, the counter
 * continues from the file (never from the store's head, which lags), and a nonce retried after a
 * restart is still a duplicate. Ephemeral events (`publish`) stay in memory.
 *
 * A group's appends run one after another (`SerialLanes`), and its counter's value and
 * versionstamp are remembered from the last commit, so an append reads nothing before its commit
 * and its check-and-set succeeds at once; the checks still catch a repeated nonce (then the
 * counter and nonce are read) and another process writing the same file. Appends of other
 * groups that are ready while a commit is in flight share the next one (`_kv_bus_commits.ts`).
 */
import type { BusEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Message } from "../protocol/types.ts";
import {
  type AppendOutcome,
  backlogFull,
  type Bus,
  type BusListener,
  defaultHandoffMaxBacklog,
  type HandoffEntry,
  type MessageDraft,
} from "./bus.ts";
import { listEntries } from "../store/_kv_reads.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import { topics } from "./topics.ts";
import { KvHandoff } from "./_kv_bus_handoff.ts";
import { backlogKey, recentKey, recentPrefix, seqKey } from "./_kv_bus_keys.ts";
import { KvAppender } from "./_kv_bus_append.ts";
import { LocalDelivery } from "./_local_delivery.ts";
import { SerialLanes } from "./_serial_lanes.ts";

/** Options of the embedded bus. */
export interface KvBusOptions {
  /** Most messages waiting for the store before `append` refuses (default 100,000). */
  handoffMaxBacklog?: number;
  /** A hand-off entry read and not acknowledged this long is handed out again (default 30 s). */
  claimIdleMs?: number;
  /** Whether `close()` closes the KV handle; false when the store shares it (default true). */
  closeKv?: boolean;
}

/** Refused commits (another process wrote the file) before an append gives up. */
const maxCommitAttempts = 20;

export class KvBus implements Bus {
  #closed = false;
  #delivery = new LocalDelivery();
  #lanes = new SerialLanes();
  #appender: KvAppender;
  #maxBacklog: number;

  private constructor(
    private readonly kv: Deno.Kv,
    private readonly handoff: KvHandoff,
    private readonly options: KvBusOptions,
  ) {
    this.#maxBacklog = options.handoffMaxBacklog ?? defaultHandoffMaxBacklog;
    this.#appender = new KvAppender(kv);
  }

  /** Opens the bus on `kv` (a file of its own, or the store's handle with `closeKv: false`). */
  static async open(kv: Deno.Kv, options: KvBusOptions = {}): Promise<KvBus> {
    try {
      const handoff = await KvHandoff.load(kv, options.claimIdleMs ?? 30_000);
      return new KvBus(kv, handoff, options);
    } catch (err) {
      throw unavailable("Cannot open the embedded bus", err);
    }
  }

  append(
    draft: MessageDraft,
    options: { floorSeq?: number } = {},
  ): Promise<AppendOutcome> {
    const floor = options.floorSeq;
    if (floor !== undefined && !(Number.isSafeInteger(floor) && floor >= 0)) {
      return Promise.reject(
        new ChatError(
          "bad_request",
          `Cannot append: floorSeq ${floor} is not a seq`,
        ),
      );
    }
    if (this.#closed) return Promise.reject(closedError());
    return this.#lanes.run(draft.group_id, async () => {
      try {
        return await this.#append(draft, floor);
      } catch (err) {
        throw err instanceof ChatError
          ? err
          : unavailable("Cannot append the message", err);
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

  async recent(groupId: string, afterSeq: number): Promise<Message[]> {
    const after = Number.isFinite(afterSeq)
      ? Math.max(0, Math.floor(afterSeq))
      : 0;
    try {
      const entries = await listEntries<Message>(this.kv, {
        prefix: recentPrefix(groupId),
        start: recentKey(groupId, after + 1),
      });
      return entries.map((entry) => entry.value);
    } catch (err) {
      throw unavailable("Cannot read the recovery buffer", err);
    }
  }

  async headSeq(groupId: string): Promise<number | null> {
    const known = this.#appender.known(groupId);
    if (known !== undefined) return known;
    try {
      return (await retryWhileLocked(() =>
        this.kv.get<number>(seqKey(groupId))
      ))
        .value;
    } catch (err) {
      throw unavailable("Cannot read the seq counter", err);
    }
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

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#delivery.clear();
    this.handoff.wakeAll();
    if (this.options.closeKv ?? true) this.kv.close();
    return Promise.resolve();
  }

  /** One append inside its group's lane: read what the check needs, commit, then publish. */
  async #append(draft: MessageDraft, floor?: number): Promise<AppendOutcome> {
    for (let attempt = 1; attempt <= maxCommitAttempts; attempt++) {
      if (this.#closed) throw closedError();
      const { counter, prior } = await this.#appender.read(draft);
      if (prior) return { status: "duplicate", message: prior };
      if (counter.seq === null && floor === undefined) {
        return { status: "need_floor" };
      }
      if (this.handoff.backlog >= this.#maxBacklog) {
        // Full: nothing new is taken, but a retried nonce is still answered.
        const first = await this.#appender.prior(draft);
        if (first) return { status: "duplicate", message: first };
        throw backlogFull();
      }
      const seq = Math.max(counter.seq ?? 0, floor ?? 0) + 1;
      const message: Message = { ...draft, seq };
      const entry = this.handoff.reserve();
      if (await this.#appender.commit(message, counter, entry)) {
        this.handoff.appended();
        const g = draft.group_id;
        this.#delivery.deliver(topics.group(g), {
          kind: "message",
          group_id: g,
          message,
        });
        return { status: "appended", message };
      }
      // The nonce was used, or another process wrote the counter or the entry: read them again.
      await this.handoff.resync();
    }
    throw new ChatError(
      "unavailable",
      "The message could not be ordered; try again",
    );
  }
}

function closedError(): ChatError {
  return new ChatError("unavailable", "The bus is closed");
}

function unavailable(what: string, cause: unknown): ChatError {
  return new ChatError(
    "unavailable",
    `${what}: the embedded bus's KV file is unusable`,
    {},
    { cause },
  );
}
