/**
 * The one shared subscriber of the Redis bus: which topics this instance wants, and the delivery
 * of their events to its listener, parsed and guarded. ioredis subscribes to every channel again
 * after a reconnect (autoResubscribe); this module only keeps the wanted set exact across outages.
 */
import type { Redis } from "ioredis";
import { parseBusEvent } from "../protocol/bus_events.ts";
import type { BusListener } from "./bus.ts";
import { unavailable } from "./_redis_client.ts";

/** The wanted topics of one instance and the delivery of their events. */
export class RedisSubscriber {
  listener: BusListener = () => {};
  /** Topics this instance wants: events of any other topic are dropped on arrival. */
  #wanted = new Set<string>();
  /** Topics whose UNSUBSCRIBE failed during an outage, sent again once the subscriber is back. */
  #stale = new Set<string>();

  constructor(private readonly redis: Redis) {
    redis.on(
      "message",
      (channel: string, raw: string) => this.#receive(channel, raw),
    );
    // After the ready handler, which has just sent ioredis's own resubscriptions.
    redis.on("ready", () => queueMicrotask(() => this.#dropStale()));
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
  }

  async unsubscribe(topic: string): Promise<void> {
    if (!this.#wanted.delete(topic)) return;
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
  }

  #receive(channel: string, raw: string): void {
    if (!this.#wanted.has(channel)) return;
    const event = parseBusEvent(raw);
    if (!event) return;
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
