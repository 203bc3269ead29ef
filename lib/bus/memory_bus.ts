/**
 * The in-process bus: one instance, no infrastructure. It keeps the real flow (append orders and
 * publishes; delivery is asynchronous, through the listener) so the core behaves the same as with
 * Redis. Its state lives and dies with the process.
 */
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { BusEvent, GroupEvent } from "../protocol/bus_events.ts";
import type { Message } from "../protocol/types.ts";
import type {
  AppendOutcome,
  Bus,
  BusListener,
  EventRef,
  Floors,
  HandoffEntry,
  MessageDraft,
  PendingStates,
  UpdateDraft,
  UpdateOutcome,
} from "./bus.ts";
import {
  basisHolds,
  emptyLog,
  eraseCopies,
  type GroupLog,
  notePersisted,
  record,
} from "./_group_log.ts";
import { topics } from "./topics.ts";

interface NonceRecord {
  message: Message;
  expiresAt: number;
}

/** Options for tests: a clock to control nonce expiry. */
export interface MemoryBusOptions {
  now?: () => number;
}

export class MemoryBus implements Bus {
  #listener: BusListener = () => {};
  #subscribed = new Set<string>();
  #logs = new Map<string, GroupLog>();
  #nonces = new Map<string, NonceRecord>();
  #handoff: HandoffEntry[] = [];
  #inFlight = new Map<string, HandoffEntry>();
  #nextEntryId = 1;
  #wakeReaders: Array<() => void> = [];
  #closed = false;
  #now: () => number;

  constructor(options: MemoryBusOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  append(draft: MessageDraft, floors: Floors = {}): Promise<AppendOutcome> {
    if (this.#closed) return Promise.reject(closedError());
    const nonceKey = draft.nonce === null
      ? null
      : nonceKeyOf(draft.group_id, draft.author.id, draft.nonce);
    if (nonceKey) {
      const seen = this.#nonces.get(nonceKey);
      if (seen && seen.expiresAt > this.#now()) {
        return Promise.resolve({ status: "duplicate", message: seen.message });
      }
    }
    const log = this.#log(draft.group_id);
    if (!this.#applyFloors(log, floors, true)) {
      return Promise.resolve({ status: "need_floor" });
    }
    log.seq = log.seq! + 1;
    log.rev = log.rev! + 1;
    const message: Message = { ...draft, seq: log.seq, rev: log.rev };
    if (nonceKey) {
      this.#sweepNonces();
      this.#nonces.set(nonceKey, {
        message,
        expiresAt: this.#now() + limits.nonceTtlMs,
      });
    }
    this.#commit(log, {
      kind: "message",
      group_id: draft.group_id,
      rev: log.rev,
      message,
    });
    return Promise.resolve({ status: "appended", message });
  }

  appendUpdate(
    draft: UpdateDraft,
    floors: Floors = {},
  ): Promise<UpdateOutcome> {
    if (this.#closed) return Promise.reject(closedError());
    const groupId = draft.message.group_id;
    const log = this.#log(groupId);
    if (!this.#applyFloors(log, floors, false)) {
      return Promise.resolve({ status: "need_floor" });
    }
    if (!basisHolds(log, draft.message.seq, draft.basis)) {
      return Promise.resolve({ status: "conflict" });
    }
    log.rev = log.rev! + 1;
    const message: Message = { ...draft.message, rev: log.rev };
    if (draft.erase) {
      eraseCopies(log, message);
      this.#eraseNonce(message);
    }
    this.#commit(log, {
      kind: "message_update",
      group_id: groupId,
      rev: log.rev,
      message,
    });
    return Promise.resolve({ status: "appended", message });
  }

  pendingStates(groupId: string, seqs: number[]): Promise<PendingStates> {
    const log = this.#logs.get(groupId) ?? emptyLog();
    const states = new Map<number, Message>();
    for (const seq of seqs) {
      const state = log.pending.get(seq);
      if (state) states.set(seq, state);
    }
    return Promise.resolve({ states, prunedRev: log.prunedRev });
  }

  markPersisted(
    groupId: string,
    persisted: Array<{ seq: number; rev: number }>,
  ): Promise<void> {
    const log = this.#logs.get(groupId);
    if (log) notePersisted(log, persisted);
    return Promise.resolve();
  }

  publish(topic: string, event: BusEvent): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#deliver(topic, event);
    return Promise.resolve();
  }

  subscribe(topic: string): Promise<void> {
    this.#subscribed.add(topic);
    return Promise.resolve();
  }

  unsubscribe(topic: string): Promise<void> {
    this.#subscribed.delete(topic);
    return Promise.resolve();
  }

  setListener(listener: BusListener): void {
    this.#listener = listener;
  }

  setResumeListener(_listener: () => void): void {
    // An in-process bus never loses its connection.
  }

  recent(groupId: string, afterRev: number): Promise<GroupEvent[]> {
    const buffer = this.#logs.get(groupId)?.buffer ?? [];
    return Promise.resolve(buffer.filter((e) => e.rev > afterRev));
  }

  headSeq(groupId: string): Promise<number | null> {
    return Promise.resolve(this.#logs.get(groupId)?.seq ?? null);
  }

  headRev(groupId: string): Promise<number | null> {
    return Promise.resolve(this.#logs.get(groupId)?.rev ?? null);
  }

  async readHandoff(
    _consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]> {
    if (this.#handoff.length === 0 && blockMs > 0 && !this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, blockMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wakeReaders.push(done);
      });
    }
    const taken = this.#handoff.splice(0, max);
    for (const entry of taken) this.#inFlight.set(entry.id, entry);
    return taken;
  }

  ackHandoff(ids: string[]): Promise<void> {
    for (const id of ids) this.#inFlight.delete(id);
    return Promise.resolve();
  }

  healthy(): Promise<boolean> {
    return Promise.resolve(!this.#closed);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    return Promise.resolve();
  }

  #log(groupId: string): GroupLog {
    let log = this.#logs.get(groupId);
    if (!log) this.#logs.set(groupId, log = emptyLog());
    return log;
  }

  /** Sets missing counters from the floors; false when one is missing and no floor is given. */
  #applyFloors(log: GroupLog, floors: Floors, needsSeq: boolean): boolean {
    const given = floors.floorSeq !== undefined ||
      floors.floorRev !== undefined;
    if ((log.rev === null || (needsSeq && log.seq === null)) && !given) {
      return false;
    }
    if (given) {
      log.seq = Math.max(log.seq ?? 0, floors.floorSeq ?? 0);
      log.rev = Math.max(log.rev ?? 0, floors.floorRev ?? 0);
    }
    return true;
  }

  #commit(log: GroupLog, event: GroupEvent): void {
    const ref: EventRef = record(log, event);
    this.#handoff.push({ id: String(this.#nextEntryId++), event: ref });
    this.#wake();
    this.#deliver(topics.group(event.group_id), event);
  }

  #eraseNonce(state: Message): void {
    if (state.nonce === null) return;
    const record = this.#nonces.get(
      nonceKeyOf(state.group_id, state.author.id, state.nonce),
    );
    if (record) record.message = state;
  }

  /** Delivers after the current task, in order, as a real bus would. */
  #deliver(topic: string, event: BusEvent): void {
    queueMicrotask(() => {
      if (!this.#subscribed.has(topic)) return;
      try {
        this.#listener(topic, event);
      } catch (err) {
        console.error("bus: listener threw", err);
      }
    });
  }

  /**
   * Drops expired nonces so the map stays bounded by the traffic of one window. Every record
   * lives equally long, so insertion order is expiry order: stop at the first live one.
   */
  #sweepNonces(): void {
    const now = this.#now();
    for (const [key, record] of this.#nonces) {
      if (record.expiresAt > now) break;
      this.#nonces.delete(key);
    }
  }

  #wake(): void {
    const readers = this.#wakeReaders;
    this.#wakeReaders = [];
    for (const wake of readers) wake();
  }
}

function nonceKeyOf(groupId: string, authorId: string, nonce: string): string {
  return `${groupId}\u0000${authorId}\u0000${nonce}`;
}

function closedError(): ChatError {
  return new ChatError("unavailable", "The bus is closed");
}
