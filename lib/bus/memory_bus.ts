/**
 * The in-process bus: one instance, no infrastructure. It keeps the real flow (append orders and
 * publishes; delivery is asynchronous, through the listener) so the core behaves the same as with
 * Redis. Its state lives and dies with the process.
 */
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { BusEvent } from "../protocol/bus_events.ts";
import type { Message } from "../protocol/types.ts";
import {
  type AppendOutcome,
  type Bus,
  type BusListener,
  type HandoffEntry,
  type MessageDraft,
  recoveryBuffer,
} from "./bus.ts";
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
  #seq = new Map<string, number>();
  #buffers = new Map<string, Message[]>();
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

  append(
    draft: MessageDraft,
    options: { floorSeq?: number } = {},
  ): Promise<AppendOutcome> {
    if (this.#closed) {
      return Promise.reject(new ChatError("unavailable", "The bus is closed"));
    }
    const nonceKey = draft.nonce === null
      ? null
      : `${draft.group_id}\u0000${draft.author.id}\u0000${draft.nonce}`;
    if (nonceKey) {
      const seen = this.#nonces.get(nonceKey);
      if (seen && seen.expiresAt > this.#now()) {
        return Promise.resolve({ status: "duplicate", message: seen.message });
      }
    }
    const counter = this.#seq.get(draft.group_id);
    if (counter === undefined && options.floorSeq === undefined) {
      return Promise.resolve({ status: "need_floor" });
    }
    const seq = Math.max(counter ?? 0, options.floorSeq ?? 0) + 1;
    this.#seq.set(draft.group_id, seq);
    const message: Message = { ...draft, seq };
    if (nonceKey) {
      this.#sweepNonces();
      this.#nonces.set(nonceKey, {
        message,
        expiresAt: this.#now() + limits.nonceTtlMs,
      });
    }
    this.#remember(message);
    this.#handoff.push({ id: String(this.#nextEntryId++), message });
    this.#wake();
    this.#deliver(topics.group(draft.group_id), {
      kind: "message",
      group_id: draft.group_id,
      message,
    });
    return Promise.resolve({ status: "appended", message });
  }

  publish(topic: string, event: BusEvent): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new ChatError("unavailable", "The bus is closed"));
    }
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

  recent(groupId: string, afterSeq: number): Promise<Message[]> {
    const buffer = this.#buffers.get(groupId) ?? [];
    return Promise.resolve(buffer.filter((m) => m.seq > afterSeq));
  }

  headSeq(groupId: string): Promise<number | null> {
    return Promise.resolve(this.#seq.get(groupId) ?? null);
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

  #remember(message: Message): void {
    let buffer = this.#buffers.get(message.group_id);
    if (!buffer) this.#buffers.set(message.group_id, buffer = []);
    buffer.push(message);
    if (buffer.length > recoveryBuffer.maxMessages) buffer.shift();
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
