/**
 * `deno task loadtest`: starts (or targets) Salvioris instances and a bare broadcast server,
 * drives the same socket plan against each in alternating rounds from a separate driver process,
 * and prints deliveries/s, losses, latency, server CPU per delivery and memory per socket, with
 * the ratio to the bare ceiling (and, with `--socketio`, to Socket.IO 4 + its Redis adapter).
 * Loopback only; every run is bounded and stops by itself.
 * Its numbers are for comparing runs on one machine, never for tests to assert.
 */
import { type LoadOptions, parseLoadArgs, stepRates } from "./args.ts";
import type { DriverConfig, DriverResult } from "./driver.ts";
import { planSockets } from "./plan.ts";
import {
  runDriver,
  startBare,
  startSalvioris,
  type Targets,
} from "./processes.ts";
import { formatReport, type Run, type TargetName } from "./report.ts";
import { prepare } from "./setup.ts";
import { prepareSocketio, startSocketio } from "./socketio/start_socketio.ts";
import { wireFor } from "./wire.ts";

let options: LoadOptions;
try {
  options = parseLoadArgs(Deno.args);
} catch (err) {
  console.error((err as Error).message);
  Deno.exit(2);
}
const sockets = planSockets(options);
const load = () => Deno.loadavg().map((n) => n.toFixed(2)).join(" ");
console.error(
  `loadtest ${options.shape}: ${sockets.length} sockets (${options.users} users × ${options.socketsPerUser}), ${options.groups} groups, ${options.senders} senders, ${
    stepRates(options).join("→")
  } msg/s, ${options.rounds} round(s)${
    options.redis || options.instances > 1 ? ", Redis bus" : ", KV bus"
  }; load average ${load()}`,
);

/** Socket.IO runs only when asked for and installable; otherwise the run goes on without it. */
let socketio = false;
if (options.socketio) {
  const why = await prepareSocketio();
  if (why) console.error(`socketio skipped: ${why}`);
  socketio = !why;
}

async function targets(target: TargetName): Promise<Targets> {
  if (target === "bare") return await startBare();
  if (target === "socketio") return await startSocketio(options.instances);
  if (options.urls.length) {
    return { urls: options.urls, pids: options.pids, stop: async () => {} };
  }
  return await startSalvioris(
    options.instances,
    options.cpuProfDir,
    options.v8Flags,
    options.redis,
  );
}

async function runOnce(target: TargetName, round: number): Promise<Run> {
  const running = await targets(target);
  const dir = await Deno.makeTempDir({ prefix: "salvioris-loadtest-" });
  try {
    const prepared = target === "salvioris"
      ? await prepare(running.urls[0], options.users, options.groups, sockets)
      : {
        tokens: [],
        groupIds: Array.from({ length: options.groups }, (_, g) => `g${g}`),
      };
    const shape = {
      ...options,
      instances: target === "bare" ? 1 : running.urls.length,
    };
    const wire = target === "socketio" ? "socketio" : "gateway";
    const config: DriverConfig = {
      shape,
      wire,
      wsUrls: running.urls.map((u) =>
        u.replace(/^http/, "ws") + wireFor(wire).path
      ),
      tokens: prepared.tokens,
      groupIds: prepared.groupIds,
      rates: stepRates(options),
      durationS: options.durationS,
      size: options.size,
      maxP99Ms: options.maxP99Ms,
      serverPids: running.pids,
    };
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
    console.error(`round ${round}, ${target}:`);
    const result = await runDriver<DriverResult>(`${dir}/config.json`);
    return { target, round, result };
  } finally {
    await running.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

const runs: Run[] = [];
for (let round = 1; round <= options.rounds; round++) {
  runs.push(await runOnce("salvioris", round));
  if (options.ceiling) runs.push(await runOnce("bare", round));
  if (socketio) runs.push(await runOnce("socketio", round));
}
console.log(
  formatReport(runs, {
    ramp: stepRates(options).length > 1,
    maxP99Ms: options.maxP99Ms,
  }),
);
console.log(
  `load average at the end: ${load()} (${navigator.hardwareConcurrency} cores)`,
);
Deno.exit(0);
