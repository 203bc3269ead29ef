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
 * A group's appends run one after another (`SerialLanes`), and the counters' value and
 * versionstamp are remembered from the last commit, so most appends read nothing before their
 * commit; the checks still guard against another process writing the same file.
 */
import type { BusEvent, GroupEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";
import { retryWhileLocked } from "../store/_kv_retry.ts";
import {
  type AppendOutcome,
  backlogFull,
  type Bus,
  type BusListener,
  defaultHandoffMaxBacklog,
  type EventRef,
  type Floors,
  type HandoffEntry,
  type MessageDraft,
  type PendingStates,
  recoveryBuffer,
  type UpdateDraft,
  type UpdateOutcome,
} from "./bus.ts";
import { topics } from "./topics.ts";
import { KvHandoff } from "./_kv_bus_handoff.ts";
import {
  backlogKey,
  handoffKey,
  headKey,
  nonceKey,
  pendingKey,
  recentKey,
  recentPrefix,
} from "./_kv_bus_keys.ts";
import { KvPending } from "./_kv_bus_pending.ts";
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
}

/** A group's counters as last read or written, and the versionstamp to check. */
interface Head {
  seq: number | null;
  rev: number | null;
  versionstamp: string | null;
}

/** What one commit adds besides the common part. */
interface Step {
  kind: GroupEvent["kind"];
  message: Message;
  prepare(op: Deno.AtomicOperation): void;
}

/** Refused commits (another process wrote the file) before an append gives up. */
const maxCommitAttempts = 20;
/** Groups whose counters are remembered; the least recently used is read again when needed. */
const rememberedHeads = 10_000;

export class KvBus implements Bus {
  #closed = false;
  #delivery = new LocalDelivery();
  #lanes = new SerialLanes();
  #heads = new Map<string, Head>();
  #maxBacklog: number;
  #pending: KvPending;

  private constructor(
    private readonly kv: Deno.Kv,
    private readonly handoff: KvHandoff,
    private readonly options: KvBusOptions,
  ) {
    this.#maxBacklog = options.handoffMaxBacklog ?? defaultHandoffMaxBacklog;
    this.#pending = new KvPending(kv);
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

  append(draft: MessageDraft, floors: Floors = {}): Promise<AppendOutcome> {
    return this.#inLane(
      draft.group_id,
      floors,
      "append the message",
      () => this.#append(draft, floors),
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
      () => this.#appendUpdate(draft, floors),
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
    const out: GroupEvent[] = [];
    try {
      const iter = this.kv.list<GroupEvent>({
        prefix: recentPrefix(groupId),
        start: recentKey(groupId, after + 1),
      });
      for await (const entry of iter) out.push(entry.value);
    } catch (err) {
      throw unavailable("Cannot read the recovery buffer", err);
    }
    return out;
  }

  async headSeq(groupId: string): Promise<number | null> {
    return (await this.#knownHead(groupId)).seq;
  }

  async headRev(groupId: string): Promise<number | null> {
    return (await this.#knownHead(groupId)).rev;
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

  /** Runs an append in its group's lane, with checked floors and `unavailable` on failure. */
  #inLane<T>(
    groupId: string,
    floors: Floors,
    what: string,
    task: () => Promise<T>,
  ): Promise<T> {
    for (const floor of [floors.floorSeq, floors.floorRev]) {
      if (floor !== undefined && !(Number.isSafeInteger(floor) && floor >= 0)) {
        return Promise.reject(
          new ChatError(
            "bad_request",
            `Cannot append: floor ${floor} is not a counter`,
          ),
        );
      }
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

  async #append(draft: MessageDraft, floors: Floors): Promise<AppendOutcome> {
    const g = draft.group_id;
    const nonce = draft.nonce === null
      ? null
      : nonceKey(g, draft.author.id, draft.nonce);
    for (let attempt = 1; attempt <= maxCommitAttempts; attempt++) {
      if (this.#closed) throw closedError();
      const [head, prior] = await Promise.all([
        this.#knownHead(g),
        nonce ? this.kv.get<Message>(nonce) : null,
      ]);
      if (prior?.value) return { status: "duplicate", message: prior.value };
      const next = nextCounters(head, floors, true);
      if (!next) return { status: "need_floor" };
      if (this.handoff.backlog >= this.#maxBacklog) throw backlogFull();
      const message: Message = { ...draft, seq: next.seq, rev: next.rev };
      const committed = await this.#commit(head, next, {
        kind: "message",
        message,
        prepare: (op) => {
          if (nonce) {
            op.check({ key: nonce, versionstamp: null })
              .set(nonce, message, { expireIn: limits.nonceTtlMs });
          }
        },
      });
      if (committed) return { status: "appended", message };
    }
    throw new ChatError(
      "unavailable",
      "The message could not be ordered; try again",
    );
  }

  async #appendUpdate(
    draft: UpdateDraft,
    floors: Floors,
  ): Promise<UpdateOutcome> {
    const g = draft.message.group_id;
    const seq = draft.message.seq;
    for (let attempt = 1; attempt <= maxCommitAttempts; attempt++) {
      if (this.#closed) throw closedError();
      const head = await this.#knownHead(g);
      const next = nextCounters(head, floors, false);
      if (!next) return { status: "need_floor" };
      const basis = await this.#pending.basis(g, seq);
      if (!basis.holds(draft.basis)) return { status: "conflict" };
      if (this.handoff.backlog >= this.#maxBacklog) throw backlogFull();
      const message: Message = { ...draft.message, rev: next.rev };
      const erased = draft.erase
        ? await this.#pending.erasure(g, message, recoveryBuffer.maxAgeMs)
        : null;
      const committed = await this.#commit(head, next, {
        kind: "message_update",
        message,
        prepare: (op) => {
          basis.check(op);
          erased?.(op);
        },
      });
      if (committed) return { status: "appended", message };
    }
    throw new ChatError(
      "unavailable",
      "The change could not be ordered; try again",
    );
  }

  /** Commits one event with everything an append does; false when a check failed. */
  async #commit(
    head: Head,
    next: { seq: number; rev: number },
    step: Step,
  ): Promise<boolean> {
    const g = step.message.group_id;
    const { seq } = step.message;
    const event = {
      kind: step.kind,
      group_id: g,
      rev: next.rev,
      message: step.message,
    } as GroupEvent;
    const ref: EventRef = { group_id: g, seq, rev: next.rev, kind: step.kind };
    const entry = this.handoff.next;
    const op = this.kv.atomic()
      .check({ key: headKey(g), versionstamp: head.versionstamp })
      .check({ key: handoffKey(entry), versionstamp: null })
      .set(headKey(g), next)
      .set(recentKey(g, next.rev), event, {
        expireIn: recoveryBuffer.maxAgeMs,
      })
      .set(pendingKey(g, seq), step.message)
      .set(handoffKey(entry), ref)
      .sum(backlogKey, 1n);
    if (next.rev > recoveryBuffer.maxEvents) {
      op.delete(recentKey(g, next.rev - recoveryBuffer.maxEvents));
    }
    step.prepare(op);
    const result = await retryWhileLocked(() => op.commit());
    if (!result.ok) {
      // Another process wrote the counters, a checked key or the entry: read them again.
      this.#heads.delete(g);
      await this.handoff.resync();
      return false;
    }
    this.#remember(g, { ...next, versionstamp: result.versionstamp });
    this.handoff.appended();
    this.#delivery.deliver(topics.group(g), event);
    return true;
  }

  /** The group's counters, remembered or read. */
  async #knownHead(groupId: string): Promise<Head> {
    const known = this.#heads.get(groupId);
    if (known) return known;
    let entry;
    try {
      entry = await this.kv.get<{ seq: number; rev: number }>(headKey(groupId));
    } catch (err) {
      throw unavailable("Cannot read the counters", err);
    }
    const head: Head = {
      seq: entry.value?.seq ?? null,
      rev: entry.value?.rev ?? null,
      versionstamp: entry.versionstamp,
    };
    this.#remember(groupId, head);
    return head;
  }

  /** Remembers counters, forgetting the least recently used beyond the bound. */
  #remember(groupId: string, head: Head): void {
    this.#heads.delete(groupId);
    this.#heads.set(groupId, head);
    if (this.#heads.size > rememberedHeads) {
      this.#heads.delete(this.#heads.keys().next().value!);
    }
  }
}

/** The next seq and rev; null when a counter is missing and no floor is given. */
function nextCounters(
  head: Head,
  floors: Floors,
  newMessage: boolean,
): { seq: number; rev: number } | null {
  const given = floors.floorSeq !== undefined || floors.floorRev !== undefined;
  if ((head.seq === null || head.rev === null) && !given) return null;
  const seq = Math.max(head.seq ?? 0, floors.floorSeq ?? 0);
  const rev = Math.max(head.rev ?? 0, floors.floorRev ?? 0);
  return { seq: newMessage ? seq + 1 : seq, rev: rev + 1 };
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
