/**
 * The one shared subscriber of the Redis bus: which topics this instance wants, and the delivery
 * of their events to its listener, parsed and guarded. ioredis subscribes to every channel again
 * after a reconnect (autoResubscribe); this module keeps the wanted set exact across outages and,
 * once back, recovers the group messages published while it was away (`_redis_recovery.ts`).
 */
import type { Redis } from "ioredis";
import { type BusEvent, parseBusEvent } from "../protocol/bus_events.ts";
import type { BusListener } from "./bus.ts";
import { unavailable } from "./_redis_client.ts";
import { MessageRecovery, type RecoverySource } from "./_redis_recovery.ts";

/** The wanted topics of one instance and the delivery of their events. */
export class RedisSubscriber {
  listener: BusListener = () => {};
  /** Called once delivery is back after the connection dropped. */
  onResume: () => void = () => {};
  /** Topics this instance wants: events of any other topic are dropped on arrival. */
  #wanted = new Set<string>();
  /** Topics whose UNSUBSCRIBE failed during an outage, sent again once the subscriber is back. */
  #stale = new Set<string>();
  #recovery: MessageRecovery;
  /** The connection dropped since it was last ready: events may have been missed. */
  #dropped = false;

  constructor(private readonly redis: Redis, source: RecoverySource) {
    this.#recovery = new MessageRecovery(
      source,
      (topic) => this.#wanted.has(topic),
      (topic, event) => this.#deliver(topic, event),
    );
    redis.on(
      "message",
      (channel: string, raw: string) => this.#receive(channel, raw),
    );
    redis.on("close", () => this.#dropped = true);
    // After the ready handler, which has just sent ioredis's own resubscriptions.
    redis.on("ready", () =>
      queueMicrotask(() => {
        this.#dropStale();
        if (!this.#dropped) return;
        this.#dropped = false;
        // A PING answered on this connection comes after the replies to those resubscriptions.
        this.#recovery.recover(() => this.redis.ping());
        try {
          this.onResume();
        } catch (err) {
          console.error("bus: resume listener threw", err);
        }
      }));
  }

  async subscribe(topic: string): Promise<void> {
    if (this.#wanted.has(topic)) return;
    // Wanted before the reply: an event may arrive in the same read as the SUBSCRIBE reply.
    this.#wanted.add(topic);
    this.#stale.delete(topic);
    try {
      await this.redis.subscribe(topic);
    } catch (err) {
      this.#wanted.delete(topic);
      throw unavailable(`Cannot subscribe to ${topic}`, err);
    }
    await this.#recovery.joined(topic);
  }

  async unsubscribe(topic: string): Promise<void> {
    if (!this.#wanted.delete(topic)) return;
    this.#recovery.left(topic);
    try {
      await this.redis.unsubscribe(topic);
    } catch {
      // Delivery has already stopped (unwanted topics are dropped); Redis is told once it is back.
      this.#stale.add(topic);
    }
  }

  /** Stops all delivery (the connection itself is closed by its owner). */
  clear(): void {
    this.#wanted.clear();
    this.#stale.clear();
    this.#recovery.clear();
  }

  #receive(channel: string, raw: string): void {
    if (!this.#wanted.has(channel)) return;
    const event = parseBusEvent(raw);
    if (!event) return;
    if (
      (event.kind === "message" || event.kind === "message_update") &&
      !this.#recovery.admit(channel, event.rev)
    ) return;
    this.#deliver(channel, event);
  }

  #deliver(channel: string, event: BusEvent): void {
    try {
      this.listener(channel, event);
    } catch (err) {
      // The contract says listeners do not throw; one that does must not stop the subscriber.
      console.error("bus: listener threw", err);
    }
  }

  #dropStale(): void {
    const stale = [...this.#stale].filter((topic) => !this.#wanted.has(topic));
    this.#stale.clear();
    if (stale.length === 0) return;
    this.redis.unsubscribe(...stale).catch(() => {
      for (const topic of stale) {
        if (!this.#wanted.has(topic)) this.#stale.add(topic);
      }
    });
  }
}
