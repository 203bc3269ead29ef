/**
 * Recovery of the group events a subscriber missed while its connection was down. Redis pub/sub
 * drops whatever is published while a subscriber reconnects (a network blip, a Redis restart, the
 * instances' clients coming back at different moments), and nothing later would tell this
 * instance's sockets. Every group event is also in its group's recovery buffer, so once the
 * subscriber is back this reads each wanted group's buffer above the last rev it delivered and
 * delivers what is missing.
 *
 * Either way in (live or recovered) a group's events reach the listener at most once and in
 * increasing rev order: one that is not above the last delivered rev is dropped. An event
 * skipped that way (recovered ones overtaken by a live one) shows as a gap to the gateway's
 * per-socket stream, which fills it from the buffer or the store.
 */
import type { GroupEvent } from "../protocol/bus_events.ts";
import { topics } from "./topics.ts";

/** Where recovery reads from: the bus's rev counters and recovery buffers. */
export interface RecoverySource {
  headRev(groupId: string): Promise<number | null>;
  recent(groupId: string, afterRev: number): Promise<GroupEvent[]>;
}

/** First and longest pause between two recovery attempts while Redis is not fully back. */
const retryMs = { first: 100, max: 2_000 };

/** Per wanted group topic, the revs recovery starts from and deduplicates by. */
export class MessageRecovery {
  /** Highest rev delivered per group topic (bounded by the wanted topics). */
  #delivered = new Map<string, number>();
  /** The group's head when its topic was joined: nothing at or below it is this topic's to recover. */
  #floor = new Map<string, number>();
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: RecoverySource,
    private readonly isWanted: (topic: string) => boolean,
    private readonly deliver: (topic: string, event: GroupEvent) => void,
  ) {}

  /** Records where a freshly subscribed group topic starts; best effort (no floor: no recovery). */
  async joined(topic: string): Promise<void> {
    const groupId = groupOf(topic);
    if (groupId === null) return;
    try {
      const head = await this.source.headRev(groupId);
      if (this.isWanted(topic)) this.#floor.set(topic, head ?? 0);
    } catch {
      // Redis is failing: the first message delivered on this topic will serve as the floor.
    }
  }

  /** Forgets a topic that is no longer wanted. */
  left(topic: string): void {
    this.#delivered.delete(topic);
    this.#floor.delete(topic);
  }

  /** True when a live group event is new for its topic (and records it as delivered). */
  admit(topic: string, rev: number): boolean {
    const last = this.#delivered.get(topic);
    if (last !== undefined && rev <= last) return false;
    this.#delivered.set(topic, rev);
    return true;
  }

  /**
   * Recovers every wanted group after a reconnect. `barrier` resolves once the subscriber's own
   * resubscriptions are in effect (so anything later arrives live). Retried until it succeeds,
   * a newer reconnect takes over, or `clear()`.
   */
  recover(barrier: () => Promise<unknown>): void {
    const generation = ++this.#generation;
    clearTimeout(this.#timer);
    let wait = retryMs.first;
    const attempt = async () => {
      if (generation !== this.#generation) return;
      try {
        await barrier();
        await this.#recoverAll(generation);
      } catch {
        if (generation !== this.#generation) return;
        this.#timer = setTimeout(attempt, wait);
        wait = Math.min(retryMs.max, wait * 2);
      }
    };
    void attempt();
  }

  /** Stops any recovery in progress and forgets every topic. */
  clear(): void {
    this.#generation++;
    clearTimeout(this.#timer);
    this.#delivered.clear();
    this.#floor.clear();
  }

  async #recoverAll(generation: number): Promise<void> {
    const known = new Set([...this.#delivered.keys(), ...this.#floor.keys()]);
    for (const topic of known) {
      const groupId = groupOf(topic);
      if (groupId === null || !this.isWanted(topic)) continue;
      const after = Math.max(
        this.#delivered.get(topic) ?? 0,
        this.#floor.get(topic) ?? 0,
      );
      const missed = await this.source.recent(groupId, after);
      if (generation !== this.#generation) return;
      for (const event of missed) {
        if (!this.isWanted(topic) || !this.admit(topic, event.rev)) continue;
        this.deliver(topic, event);
      }
    }
  }
}

/** The group of a group topic (`chat:group:{id}`), or null for any other topic. */
function groupOf(topic: string): string | null {
  const prefix = topics.group("");
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : null;
}
