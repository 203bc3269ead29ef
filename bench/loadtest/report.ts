/** Turns the driver results of alternating rounds into one table and the ratio to the ceiling. */
import { type DriverResult, stepHeld, type StepResult } from "./driver.ts";
import { median } from "./stats.ts";

export type TargetName = "salvioris" | "bare" | "socketio";

/** Salvioris is compared with each of these that ran: the bare ceiling, then Socket.IO. */
const references = ["bare", "socketio"] as const;

/** One driver run of one target in one round. */
export interface Run {
  target: TargetName;
  round: number;
  result: DriverResult;
}

/** Medians over rounds of one target at one offered rate. */
export interface Row {
  target: TargetName;
  rate: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  cpuMicrosPerDelivery: number;
  serverCores: number;
  driverCores: number;
  lost: number;
  duplicated: number;
  refused: number;
}

/** Per target and offered rate, the median of each figure over the rounds that ran it. */
export function rows(runs: Run[]): Row[] {
  const groups = new Map<string, { target: TargetName; steps: StepResult[] }>();
  for (const run of runs) {
    for (const step of run.result.steps) {
      const key = `${run.target}@${step.rate}`;
      const entry = groups.get(key) ?? { target: run.target, steps: [] };
      entry.steps.push(step);
      groups.set(key, entry);
    }
  }
  return [...groups.values()].map(({ target, steps }) => ({
    target,
    rate: steps[0].rate,
    deliveriesPerSec: median(steps.map((s) => s.deliveriesPerSec)),
    p50: median(steps.map((s) => s.latencyMs.p50)),
    p99: median(steps.map((s) => s.latencyMs.p99)),
    cpuMicrosPerDelivery: median(steps.map((s) => s.cpuMicrosPerDelivery)),
    serverCores: median(steps.map((s) => s.serverCores)),
    driverCores: median(steps.map((s) => s.driverCores)),
    lost: steps.reduce((n, s) => n + s.lost, 0),
    duplicated: steps.reduce((n, s) => n + s.duplicated, 0),
    refused: steps.reduce((n, s) => n + s.refused, 0),
  }));
}

/** Median over rounds of the highest deliveries/s a target held with p99 ≤ `maxP99Ms`. */
export function highestHeld(
  runs: Run[],
  target: TargetName,
  maxP99Ms: number,
): number {
  return median(
    runs.filter((r) => r.target === target).map((r) =>
      Math.max(
        0,
        ...r.result.steps.filter((s) => stepHeld(s, maxP99Ms)).map((s) =>
          s.deliveriesPerSec
        ),
      )
    ),
  );
}

/** Median memory growth per socket of a target, in bytes (all sockets, or the second half). */
export function bytesPerSocket(
  runs: Run[],
  target: TargetName,
  which: "bytesPerSocket" | "marginalBytesPerSocket" = "bytesPerSocket",
): number {
  return median(
    runs.filter((r) => r.target === target).map((r) => r.result[which]),
  );
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toFixed(digits) : "–";

/** The report printed at the end of a run. */
export function formatReport(
  runs: Run[],
  options: { ramp: boolean; maxP99Ms: number },
): string {
  const lines = [
    "| target | msg/s offered | deliveries/s | p50 ms | p99 ms | server CPU µs/delivery | server cores | driver cores | lost | dup | refused |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const all = rows(runs);
  for (const r of all) {
    lines.push(
      `| ${r.target} | ${r.rate} | ${fmt(r.deliveriesPerSec)} | ${
        fmt(r.p50, 1)
      } | ${fmt(r.p99, 1)} | ${fmt(r.cpuMicrosPerDelivery, 1)} | ${
        fmt(r.serverCores, 2)
      } | ${
        fmt(r.driverCores, 2)
      } | ${r.lost} | ${r.duplicated} | ${r.refused} |`,
    );
  }
  const hasBare = runs.some((r) => r.target === "bare");
  const ran = references.filter((t) => runs.some((r) => r.target === t));
  lines.push("");
  for (
    const [label, which] of [
      ["memory per socket", "bytesPerSocket"],
      ["marginal (second half)", "marginalBytesPerSocket"],
    ] as const
  ) {
    const mem = (t: TargetName) => bytesPerSocket(runs, t, which) / 1024;
    lines.push(
      `${label}: salvioris ${fmt(mem("salvioris"), 1)} KB` +
        ran.map((t) =>
          `, ${t} ${fmt(mem(t), 1)} KB (ratio ${
            fmt(mem("salvioris") / mem(t), 2)
          })`
        ).join(""),
    );
  }
  const connectCost = (t: TargetName) =>
    median(
      runs.filter((r) => r.target === t).map((r) =>
        r.result.connectCpuMicrosPerSocket
      ),
    );
  lines.push(
    `server CPU per socket opened, identified and subscribed: salvioris ${
      fmt(connectCost("salvioris"))
    } µs${ran.map((t) => `, ${t} ${fmt(connectCost(t))} µs`).join("")}`,
  );
  const refusals = runs.filter((r) => Object.keys(r.result.refusedBy).length)
    .map((r) =>
      `${r.target} round ${r.round}: ${JSON.stringify(r.result.refusedBy)}`
    );
  if (refusals.length) lines.push(`refusals: ${refusals.join("; ")}`);
  if (hasBare) {
    for (const s of all.filter((r) => r.target === "salvioris")) {
      const b = all.find((r) => r.target === "bare" && r.rate === s.rate);
      if (!b) continue;
      lines.push(
        `at ${s.rate} msg/s: CPU per delivery ${
          fmt(s.cpuMicrosPerDelivery / b.cpuMicrosPerDelivery, 2)
        }× the bare ceiling, p99 ${fmt(s.p99 / b.p99, 2)}×`,
      );
    }
  }
  if (ran.includes("socketio")) {
    for (const s of all.filter((r) => r.target === "salvioris")) {
      const io = all.find((r) => r.target === "socketio" && r.rate === s.rate);
      if (!io) continue;
      lines.push(
        `at ${s.rate} msg/s: CPU per delivery ${
          fmt(s.cpuMicrosPerDelivery / io.cpuMicrosPerDelivery, 2)
        }× Socket.IO's, p99 ${fmt(s.p99 / io.p99, 2)}×`,
      );
    }
  }
  if (options.ramp) {
    const held = (t: TargetName) => highestHeld(runs, t, options.maxP99Ms);
    lines.push(
      `highest deliveries/s with p99 ≤ ${options.maxP99Ms} ms: salvioris ${
        fmt(held("salvioris"))
      }${
        ran.map((t) =>
          `, ${t} ${fmt(held(t))} (salvioris ${
            fmt(held("salvioris") / held(t), 2)
          }×)`
        ).join("")
      }`,
    );
  }
  return lines.join("\n");
}
