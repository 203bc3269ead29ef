/** Builders and listeners of the bus contract suite. */
import type { Bus, MessageDraft } from "../../lib/bus/bus.ts";
import type { BusEvent } from "../../lib/protocol/bus_events.ts";
import type { Message } from "../../lib/protocol/types.ts";

/** Makes `n` buses sharing one backend, and the function that disposes of them all. */
export interface BusFactory {
  /** False when the adapter can only give one bus per backend (the embedded bus). */
  multiInstance: boolean;
  /**
   * How long an unacknowledged hand-off entry waits before another consumer gets it; null when
   * the adapter never hands it over (the case is then ignored, and that is a gap to close).
   */
  claimIdleMs: number | null;
  make(n: number, options?: BusOptions): Promise<BusBackend>;
}

/** Fresh buses on one backend. */
export interface BusBackend {
  buses: Bus[];
  /** Disposes of every bus (reopened ones included) and of the backend. */
  cleanup: () => Promise<void>;
  /** Closes `bus` as a process that stops would, and opens a new bus on the same backend. */
  reopen: (bus: Bus) => Promise<Bus>;
}

/** Adapter options a case may set; every adapter takes them. */
export interface BusOptions {
  /** Bound of the hand-off backlog (small in the case that fills it). */
  handoffMaxBacklog?: number;
  /** Age of a group's first persisted mark at which the sweep drops its marks. */
  markMaxAgeMs?: number;
  /** How often that sweep runs. */
  sweepEveryMs?: number;
}

/** Registers one contract case; it receives `n` fresh buses on one backend. */
export type BusCase = (
  title: string,
  opts: { instances?: number; needs?: "claim"; bus?: BusOptions },
  fn: (
    buses: Bus[],
    factory: BusFactory,
    reopen: BusBackend["reopen"],
  ) => Promise<void>,
) => void;

/** A unique id, readable in failures thanks to its label. */
export function uid(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

/** A draft in `groupId` by `authorId`, with a fresh id. */
export function draft(
  groupId: string,
  over: Partial<MessageDraft> & { authorId?: string } = {},
): MessageDraft {
  const { authorId = "author-1", ...rest } = over;
  return {
    id: uid("msg"),
    group_id: groupId,
    author: { id: authorId, username: `name of ${authorId}` },
    text: "hello / ünïcode ✓",
    nonce: null,
    created_at: "2024-01-01T00:00:00.000Z",
    ...rest,
  };
}

/** Appends and returns the message, giving floor 0 if the bus asks for one. */
export async function append(bus: Bus, d: MessageDraft): Promise<Message> {
  let outcome = await bus.append(d);
  if (outcome.status === "need_floor") {
    outcome = await bus.append(d, { floorSeq: 0 });
  }
  if (outcome.status === "need_floor") {
    throw new Error("append asked for a floor twice");
  }
  return outcome.message;
}

/** A typing event of `groupId`, numbered by `userId` so order can be checked. */
export function typing(groupId: string, userId: string): BusEvent {
  return { kind: "typing", group_id: groupId, user_id: userId, typing: true };
}

/** Records what a bus delivers to its listener and lets a test wait for a condition on it. */
export class Recorder {
  readonly events: { topic: string; event: BusEvent }[] = [];
  #wake = new Set<() => void>();

  constructor(bus: Bus) {
    bus.setListener((topic, event) => {
      this.events.push({ topic, event });
      for (const wake of this.#wake) wake();
    });
  }

  /** The messages delivered on `topic`, in delivery order. */
  messages(topic: string): Message[] {
    return this.events.flatMap(({ topic: t, event }) =>
      t === topic && event.kind === "message" ? [event.message] : []
    );
  }

  /** The events delivered on `topic`, in delivery order. */
  on(topic: string): BusEvent[] {
    return this.events.filter((e) => e.topic === topic).map((e) => e.event);
  }

  /** Resolves once `ready()` holds, or fails after `timeoutMs` naming what it waited for. */
  until(ready: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake.delete(check);
      };
      const check = () => {
        if (!ready()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`),
        );
      }, timeoutMs);
      this.#wake.add(check);
    });
  }
}

/** Polls `probe` until it answers true; fails after `timeoutMs` naming what it waited for. */
export async function eventually(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(10);
  }
}

/** Waits `ms`: only where a test must let another party start waiting first. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The seqs of `messages`, for short assertions. */
export const seqs = (messages: Message[]) => messages.map((m) => m.seq);

/** 1..n (or from..to). */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
