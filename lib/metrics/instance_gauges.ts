/**
 * Gauges read at scrape time from the running instance: its sockets and subscriptions (held by
 * the hub already, so nothing is counted twice), the hand-off backlog and the projector's lag.
 * `lib/server.ts` registers one probe per instance and removes it at shutdown; a test process
 * with several instances reports their sum.
 */
import client from "prom-client";
import type { HandoffStats } from "../bus/bus.ts";
import { withDeadline } from "../core/deadline.ts";
import { registry } from "./metrics.ts";

/** What one instance tells the gauges; every reader is cheap or bounded in time. */
export interface InstanceProbe {
  sockets(): {
    open: number;
    identified: number;
    subscriptions: number;
    groups: number;
  };
  /** Messages this instance's projector wrote since it started. */
  persisted(): number;
  /** The hand-off's state, or null when the bus cannot tell (or is unreachable). */
  handoff(): Promise<HandoffStats | null>;
}

const probes = new Set<InstanceProbe>();
const registers = [registry];
/** A scrape must answer even when the bus does not. */
const handoffDeadlineMs = 1000;

/** Starts reporting an instance; answers a function that stops it. */
export function observeInstance(probe: InstanceProbe): () => void {
  probes.add(probe);
  return () => probes.delete(probe);
}

/** The hand-off's state with its lag in ms, or null when unknown; for `/readyz` and gauges. */
export async function handoffLag(
  probe: InstanceProbe,
  now = Date.now(),
): Promise<{ backlog: number; lagMs: number } | null> {
  const stats = await withDeadline(
    probe.handoff().catch(() => null),
    handoffDeadlineMs,
    () => null,
  );
  if (!stats) return null;
  const lagMs = stats.oldestAt === null ? 0 : Math.max(0, now - stats.oldestAt);
  return { backlog: stats.backlog, lagMs };
}

function socketGauge(
  name: string,
  help: string,
  pick: (s: ReturnType<InstanceProbe["sockets"]>) => number,
) {
  new client.Gauge({
    name,
    help,
    registers,
    collect() {
      let sum = 0;
      for (const probe of probes) sum += pick(probe.sockets());
      this.set(sum);
    },
  });
}

socketGauge(
  "salvioris_sockets_open",
  "Open gateway sockets, identified or not",
  (s) => s.open,
);
socketGauge(
  "salvioris_sockets_identified",
  "Gateway sockets that finished identify",
  (s) => s.identified,
);
socketGauge(
  "salvioris_subscriptions",
  "Socket-to-group subscriptions",
  (s) => s.subscriptions,
);
socketGauge(
  "salvioris_groups_listened",
  "Groups with at least one local subscriber (bus topics joined)",
  (s) => s.groups,
);

new client.Gauge({
  name: "salvioris_messages_persisted",
  help: "Messages the persistence projector wrote since the process started",
  registers,
  collect() {
    let sum = 0;
    for (const probe of probes) sum += probe.persisted();
    this.set(sum);
  },
});

/** One read of the bus per scrape, shared by the two gauges that report it. */
let pendingLag: Promise<{ backlog: number; lagMs: number } | null> | null =
  null;
function scrapeLag() {
  if (!pendingLag) {
    const [probe] = probes;
    pendingLag = probe ? handoffLag(probe) : Promise.resolve(null);
    // Both gauges ask in the same tick of a scrape; the next scrape reads again.
    void pendingLag.finally(() => pendingLag = null);
  }
  return pendingLag;
}

// NaN when the bus does not answer, so a stall is never mistaken for zero.
new client.Gauge({
  name: "salvioris_handoff_backlog",
  help: "Messages appended but not yet written to the store (cluster-wide)",
  registers,
  async collect() {
    const lag = await scrapeLag();
    this.set(lag ? lag.backlog : NaN);
  },
});
new client.Gauge({
  name: "salvioris_projector_lag_seconds",
  help:
    "Age of the oldest message not yet written to the store (0 when none waits)",
  registers,
  async collect() {
    const lag = await scrapeLag();
    this.set(lag ? lag.lagMs / 1000 : NaN);
  },
});
