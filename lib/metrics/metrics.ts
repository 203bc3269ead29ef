/**
 * The process's metrics, in the Prometheus text format through `prom-client` (it runs under
 * Deno's Node compatibility; its default Node metrics do not — the event-loop lag reads NaN — so
 * process memory comes from `Deno.memoryUsage()` instead).
 *
 * Every label is bounded: a frame type, an event kind, a close code, a store method, a result.
 * Never a user, group, socket or message id: those would make one series per user.
 * Hooks in the code are one line each (`metrics.framesReceived.inc({ type })`); values that are
 * already held somewhere (sockets, subscriptions, backlog) are read at scrape time instead.
 */
import client from "prom-client";

/** The registry `/metrics` serves. */
export const registry = new client.Registry();

const registers = [registry];
/** Seconds from a fraction of a millisecond (a local fan-out) up to a stalled store. */
const latencyBuckets = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Frames the gateway sent to sockets; a plain number because it is bumped once per socket. */
export const framesSent = { count: 0 };

export const metrics = {
  framesReceived: new client.Counter({
    name: "salvioris_frames_received_total",
    help: "Client frames received, by type (`invalid` when they did not parse)",
    labelNames: ["type"] as const,
    registers,
  }),
  framesSent: new client.Counter({
    name: "salvioris_frames_sent_total",
    help: "Frames sent to sockets (one per socket per event)",
    registers,
    collect() {
      const seen = (this as unknown as { seen?: number }).seen ?? 0;
      this.inc(framesSent.count - seen);
      (this as unknown as { seen: number }).seen = framesSent.count;
    },
  }),
  busEventsReceived: new client.Counter({
    name: "salvioris_bus_events_received_total",
    help:
      "Events this instance's bus listener received and fanned out, by kind",
    labelNames: ["kind"] as const,
    registers,
  }),
  fanoutSeconds: new client.Histogram({
    name: "salvioris_message_fanout_seconds",
    help:
      "From the start of a message's append to the end of its fan-out to this instance's sockets",
    buckets: latencyBuckets,
    registers,
  }),
  busAppends: new client.Counter({
    name: "salvioris_bus_appends_total",
    help:
      "Appends to the bus, by kind (message, update: an edit, deletion or reaction) and result",
    labelNames: ["kind", "result"] as const,
    registers,
  }),
  busPublishes: new client.Counter({
    name: "salvioris_bus_publishes_total",
    help: "Ephemeral events published on the bus, by kind and result",
    labelNames: ["kind", "result"] as const,
    registers,
  }),
  busResumes: new client.Counter({
    name: "salvioris_bus_resumes_total",
    help:
      "Times bus delivery resumed after its connection was lost (subscriber reconnects)",
    registers,
  }),
  storeSeconds: new client.Histogram({
    name: "salvioris_store_operation_seconds",
    help: "Store operation latency, by method",
    labelNames: ["op"] as const,
    buckets: latencyBuckets,
    registers,
  }),
  storeErrors: new client.Counter({
    name: "salvioris_store_errors_total",
    help: "Store operations that failed, by method",
    labelNames: ["op"] as const,
    registers,
  }),
  rateLimited: new client.Counter({
    name: "salvioris_rate_limited_total",
    help:
      "Requests and frames refused as rate_limited, by budget (socket_frame, socket_message, socket_queue, http, login_failures)",
    labelNames: ["scope"] as const,
    registers,
  }),
  socketsRefused: new client.Counter({
    name: "salvioris_socket_upgrades_refused_total",
    help:
      "Gateway upgrades refused by the socket caps, by HTTP status (503 instance full, 429 per address)",
    labelNames: ["status"] as const,
    registers,
  }),
  socketCloses: new client.Counter({
    name: "salvioris_socket_closes_total",
    help: "Sockets closed, by close code (1000 when the client closed)",
    labelNames: ["code"] as const,
    registers,
  }),
};

new client.Gauge({
  name: "process_resident_memory_bytes",
  help: "Resident memory size in bytes",
  registers,
  collect() {
    this.set(Deno.memoryUsage().rss);
  },
});

new client.Gauge({
  name: "salvioris_heap_used_bytes",
  help: "V8 heap in use, in bytes",
  registers,
  collect() {
    this.set(Deno.memoryUsage().heapUsed);
  },
});

/** The registry's text, as `/metrics` answers it. */
export function scrape(): Promise<string> {
  return registry.metrics();
}

/** The content type of `scrape()`'s text. */
export const scrapeContentType = registry.contentType;
