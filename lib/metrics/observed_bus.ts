/**
 * A bus that counts and times what goes through it, wrapped around the adapter where the instance
 * is composed (`lib/server.ts`): appends and publishes by result, events received by kind,
 * delivery resuming after an outage, and the time from a message's append start to the end of
 * its fan-out here (`salvioris_message_fanout_seconds`). It also opens and closes the message's
 * trace spans (`lib/tracing/message_spans.ts`).
 *
 * A Proxy, so port methods it does not observe pass through untouched, whatever the port gains.
 * The fan-out latency is measured on the instance that appended the message (the start time is
 * remembered by message id, bounded, until the event comes back); a message whose group has no
 * socket here never comes back, and is forgotten after a minute.
 */
import type { AppendOutcome, Bus, BusListener } from "../bus/bus.ts";
import type { BusEvent } from "../protocol/bus_events.ts";
import {
  endAppendSpan,
  endPersistSpans,
  inFanoutSpan,
  startAppendSpan,
  startPersistSpans,
} from "../tracing/message_spans.ts";
import { metrics } from "./metrics.ts";

const maxInFlight = 10_000;
const inFlightMs = 60_000;

/** `bus` with its traffic counted and timed. */
export function observedBus(bus: Bus): Bus {
  /** Message id → when its append started (performance.now()). */
  const started = new Map<string, number>();
  const overrides: Partial<Bus> = {
    async append(draft, options) {
      remember(started, draft.id);
      const span = startAppendSpan(draft);
      let outcome: AppendOutcome;
      try {
        outcome = await bus.append(draft, options);
      } catch (err) {
        started.delete(draft.id);
        metrics.busAppends.inc({ kind: "message", result: "error" });
        endAppendSpan(span, draft.id, { error: err });
        throw err;
      }
      // Only an appended message is fanned out; a duplicate or a refusal never comes back.
      if (outcome.status !== "appended") started.delete(draft.id);
      metrics.busAppends.inc({ kind: "message", result: outcome.status });
      endAppendSpan(span, draft.id, outcome);
      return outcome;
    },
    async appendUpdate(draft, options) {
      try {
        const outcome = await bus.appendUpdate(draft, options);
        metrics.busAppends.inc({ kind: "update", result: outcome.status });
        return outcome;
      } catch (err) {
        metrics.busAppends.inc({ kind: "update", result: "error" });
        throw err;
      }
    },
    async publish(topic, event) {
      try {
        await bus.publish(topic, event);
        metrics.busPublishes.inc({ kind: event.kind, result: "ok" });
      } catch (err) {
        metrics.busPublishes.inc({ kind: event.kind, result: "error" });
        throw err;
      }
    },
    setListener(listener) {
      bus.setListener(observedListener(listener, started));
    },
    setResumeListener(listener) {
      bus.setResumeListener(() => {
        metrics.busResumes.inc();
        listener();
      });
    },
    async readHandoff(consumer, max, blockMs) {
      const entries = await bus.readHandoff(consumer, max, blockMs);
      startPersistSpans(entries);
      return entries;
    },
    async ackHandoff(ids) {
      await bus.ackHandoff(ids);
      endPersistSpans(ids);
    },
  };
  // Methods run on the adapter itself (its private fields are not the proxy's), bound once.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(bus, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) {
        return overrides[prop as keyof Bus];
      }
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (!bound.has(prop)) bound.set(prop, value.bind(target));
      return bound.get(prop);
    },
  });
}

function observedListener(
  listener: BusListener,
  started: Map<string, number>,
): BusListener {
  return (topic: string, event: BusEvent) => {
    metrics.busEventsReceived.inc({ kind: event.kind });
    if (event.kind !== "message") return listener(topic, event);
    inFanoutSpan(event.message, () => listener(topic, event));
    const start = started.get(event.message.id);
    if (start === undefined) return;
    started.delete(event.message.id);
    metrics.fanoutSeconds.observe((performance.now() - start) / 1000);
  };
}

/** Remembers an append's start; forgets the oldest beyond the bound or the age limit. */
function remember(started: Map<string, number>, id: string): void {
  const now = performance.now();
  started.set(id, now);
  for (const [old, at] of started) {
    if (started.size <= maxInFlight && now - at < inFlightMs) break;
    started.delete(old);
  }
}
