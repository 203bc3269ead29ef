/**
 * In-process delivery of bus events: the one listener of this instance and the topics it is
 * subscribed to. Events are delivered after the current task, in publish order, as a real bus
 * would, so the publisher never sees its own event before `append`/`publish` returned.
 */
import type { BusEvent } from "../protocol/bus_events.ts";
import type { BusListener } from "./bus.ts";

/** The topics one instance listens to, and its listener. */
export class LocalDelivery {
  #listener: BusListener = () => {};
  #subscribed = new Set<string>();

  set listener(listener: BusListener) {
    this.#listener = listener;
  }

  subscribe(topic: string): void {
    this.#subscribed.add(topic);
  }

  unsubscribe(topic: string): void {
    this.#subscribed.delete(topic);
  }

  /** Queues `event` for the listener if `topic` is subscribed when it is delivered. */
  deliver(topic: string, event: BusEvent): void {
    queueMicrotask(() => {
      if (!this.#subscribed.has(topic)) return;
      try {
        this.#listener(topic, event);
      } catch (err) {
        console.error("bus: listener threw", err);
      }
    });
  }

  /** Forgets every topic (at close). */
  clear(): void {
    this.#subscribed.clear();
  }
}
