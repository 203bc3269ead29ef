/**
 * The load generator, run as its own process so its CPU is not the server's: opens the planned
 * sockets, sends at each step's rate, and measures deliveries, losses, duplicates and latency
 * (send → receive, on this process's clock), with the servers' CPU and memory read from /proc.
 *
 * Run by `main.ts`: `deno run -A driver.ts CONFIG.json`; prints one JSON `DriverResult` line.
 */
import { listenerCounts, type PlanShape, planSockets } from "./plan.ts";
import { cpuMicros, rssBytes, totalCpuMicros } from "./proc.ts";
import { type LatencySummary, summarize } from "./stats.ts";
import { type Frame, gatewayWire, type Wire, wireFor } from "./wire.ts";

export interface DriverConfig {
  shape: PlanShape;
  /** The gateway URL of each instance. */
  wsUrls: string[];
  /** A bearer token per user (none for the bare server). */
  tokens: string[];
  groupIds: string[];
  rates: number[];
  durationS: number;
  size: number;
  maxP99Ms: number;
  serverPids: number[];
  /** How frames travel: gateway JSON (default) or inside Socket.IO's protocol. */
  wire?: "gateway" | "socketio";
}

export interface StepResult {
  rate: number;
  sent: number;
  refused: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  deliveriesPerSec: number;
  latencyMs: LatencySummary;
  /** Server CPU (all instances) per delivery; NaN when no pids were given. */
  cpuMicrosPerDelivery: number;
  /** Share of one core the servers used during the step. */
  serverCores: number;
  driverCores: number;
}

export interface DriverResult {
  sockets: number;
  connectMs: number;
  /** Server RSS growth per identified, subscribed socket (all sockets over the idle server). */
  bytesPerSocket: number;
  /**
   * RSS growth per socket of the second half of the sockets: leaves out what the first sockets
   * cost once (code warmed up, the JS heap's young generation grown to its working size).
   */
  marginalBytesPerSocket: number;
  /** Server CPU per socket opened, identified and subscribed (NaN without pids). */
  connectCpuMicrosPerSocket: number;
  /** Refusals by error code (a refused message is not counted as lost). */
  refusedBy: Record<string, number>;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  steps: StepResult[];
}

const connectConcurrency = 64;
const warmupMs = 1_000;
/** A step's drain ends when nothing arrived for this long. */
const quietMs = 2_000;

interface Client {
  socket: WebSocket;
  lastSeq: Map<string, number>;
  groups: string[];
  nextGroup: number;
}

/** Per-step tallies, filled by every socket's onmessage. */
class Tally {
  delivered = 0;
  duplicated = 0;
  refused = 0;
  latencies: number[] = [];
  lastArrival = 0;
}

const tallies: Tally[] = [];
const refusedBy: Record<string, number> = {};
let wire: Wire = gatewayWire;

/** Decodes a server text, answering the wire's own control messages; the frame it held, if any. */
function receive(socket: WebSocket, text: string): Frame | null {
  const { frame, reply } = wire.decode(text);
  if (reply !== null) socket.send(reply);
  return frame;
}

function onFrame(client: Client, data: string): void {
  const frame = receive(client.socket, data);
  if (!frame) return;
  if (frame.type === "message") {
    const now = performance.now();
    const [step, , sentAt] = String(frame.message.nonce).split("/");
    const tally = tallies[Number(step)];
    if (!tally) return; // a warm-up message
    tally.lastArrival = now;
    const last = client.lastSeq.get(frame.group_id) ?? 0;
    if (frame.message.seq <= last) {
      tally.duplicated++;
      return;
    }
    client.lastSeq.set(frame.group_id, frame.message.seq);
    tally.delivered++;
    tally.latencies.push(now - Number(sentAt));
  } else if (frame.type === "error") {
    const why = `${frame.code}: ${frame.message}`;
    refusedBy[why] = (refusedBy[why] ?? 0) + 1;
    const tally = tallies[Number(String(frame.nonce).split("/")[0])];
    if (tally) tally.refused++;
  }
}

function open(url: string, token: string | undefined): Promise<WebSocket> {
  const init = token ? { headers: { authorization: `Bearer ${token}` } } : {};
  // deno-lint-ignore no-explicit-any
  const socket = new (WebSocket as any)(url, init) as WebSocket;
  return new Promise((resolve, reject) => {
    socket.onmessage = (e) => {
      const frame = receive(socket, e.data);
      if (frame?.type === "ready") resolve(socket);
      else if (frame?.type === "error") {
        reject(new Error(`not ready: ${e.data}`));
      }
    };
    socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
}

async function connect(config: DriverConfig, index: number): Promise<Client> {
  const plan = planSockets(config.shape)[index];
  const socket = await open(
    config.wsUrls[plan.instance],
    config.tokens[plan.user],
  );
  const groups = plan.groups.map((g) => config.groupIds[g]);
  await new Promise<void>((resolve, reject) => {
    socket.onmessage = (e) => {
      const frame = receive(socket, e.data);
      if (frame?.type === "subscribed") resolve();
      else if (frame?.type === "error") reject(new Error(e.data));
    };
    socket.send(wire.encode({ type: "subscribe", group_ids: groups }));
  });
  const client: Client = { socket, lastSeq: new Map(), groups, nextGroup: 0 };
  socket.onmessage = (e) => onFrame(client, e.data);
  return client;
}

async function connectAll(
  config: DriverConfig,
  clients: Client[],
  from: number,
  to: number,
): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      try {
        clients[i] = await connect(config, i);
        opened++;
      } catch (err) {
        throw new Error(
          `Socket ${i + 1} did not open, with ${opened} open: ${
            (err as Error).message
          } (${socketLimitsHint})`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: connectConcurrency }, worker));
}

/** Sockets open so far, for the message when one cannot open. */
let opened = 0;
/** What usually stops a large run from opening all its sockets. */
const socketLimitsHint =
  "each socket is a file descriptor in the driver and in the server, which Deno raises to the " +
  "hard `ulimit -n` and the server keeps a tenth of; loopback has about 28,000 ephemeral ports " +
  "per address pair; beyond MAX_SOCKETS upgrades are refused with 503";

/** Sends at `rate` msg/s round-robin over the senders until `untilMs`; answers how many. */
async function send(
  senders: Client[],
  rate: number,
  untilMs: number,
  step: number,
  text: string,
): Promise<Map<string, number>> {
  const perGroup = new Map<string, number>();
  if (rate === 0 || senders.length === 0) {
    await sleep(untilMs - performance.now());
    return perGroup;
  }
  const start = performance.now();
  let sent = 0;
  let turn = 0;
  while (performance.now() < untilMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      const sender = senders[turn++ % senders.length];
      const groupId = sender.groups[sender.nextGroup++ % sender.groups.length];
      const nonce = `${step}/${sent}/${performance.now().toFixed(2)}`;
      sender.socket.send(
        wire.encode({ type: "message", group_id: groupId, text, nonce }),
      );
      perGroup.set(groupId, (perGroup.get(groupId) ?? 0) + 1);
    }
    await sleep(2);
  }
  return perGroup;
}

async function runStep(
  config: DriverConfig,
  senders: Client[],
  rate: number,
  listeners: Map<string, number>,
): Promise<StepResult> {
  const text = "x".repeat(config.size);
  const step = tallies.length;
  await send(senders, rate, performance.now() + warmupMs, -1, text);
  const tally = new Tally();
  tallies.push(tally);
  const cpu0 = totalCpuMicros(config.serverPids);
  const own0 = cpuMicros(Deno.pid);
  const t0 = performance.now();
  const perGroup = await send(
    senders,
    rate,
    t0 + config.durationS * 1000,
    step,
    text,
  );
  const sendEnd = performance.now();
  let expected = 0;
  let sent = 0;
  for (const [groupId, count] of perGroup) {
    expected += count * (listeners.get(groupId) ?? 0);
    sent += count;
  }
  tally.lastArrival = performance.now();
  while (
    tally.delivered + tally.refused * avgListeners(listeners) < expected &&
    performance.now() - tally.lastArrival < quietMs
  ) await sleep(20);
  const elapsed = Math.max(sendEnd, tally.lastArrival) - t0;
  const cpu = totalCpuMicros(config.serverPids) - cpu0;
  const own = cpuMicros(Deno.pid) - own0;
  const refusedDeliveries = Math.round(
    tally.refused * avgListeners(listeners),
  );
  return {
    rate,
    sent,
    refused: tally.refused,
    expected,
    delivered: tally.delivered,
    lost: Math.max(0, expected - refusedDeliveries - tally.delivered),
    duplicated: tally.duplicated,
    deliveriesPerSec: tally.delivered / (elapsed / 1000),
    latencyMs: summarize(tally.latencies),
    cpuMicrosPerDelivery: config.serverPids.length && tally.delivered
      ? cpu / tally.delivered
      : NaN,
    serverCores: cpu / (elapsed * 1000),
    driverCores: own / (elapsed * 1000),
  };
}

function avgListeners(listeners: Map<string, number>): number {
  const counts = [...listeners.values()];
  return counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

function serverRss(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** Runs one configuration end to end. */
export async function drive(config: DriverConfig): Promise<DriverResult> {
  wire = wireFor(config.wire ?? "gateway");
  const total = config.shape.users * config.shape.socketsPerUser;
  const half = Math.floor(total / 2);
  const clients = new Array<Client>(total);
  const rssBefore = serverRss(config.serverPids);
  const connectCpu0 = totalCpuMicros(config.serverPids);
  const t0 = performance.now();
  await connectAll(config, clients, 0, half);
  const connectMs0 = performance.now() - t0;
  await sleep(1_000); // let the servers settle (GC, pending writes) before reading memory
  const rssHalf = serverRss(config.serverPids);
  const t1 = performance.now();
  await connectAll(config, clients, half, total);
  const connectMs = connectMs0 + performance.now() - t1;
  const connectCpu = totalCpuMicros(config.serverPids) - connectCpu0;
  await sleep(1_000);
  const rssAfter = serverRss(config.serverPids);
  const counts = listenerCounts(
    planSockets(config.shape),
    config.groupIds.length,
  );
  const listeners = new Map(config.groupIds.map((id, i) => [id, counts[i]]));
  const senders = clients.slice(0, config.shape.senders);
  const steps: StepResult[] = [];
  if (config.durationS > 0) {
    for (const rate of config.rates) {
      const result = await runStep(config, senders, rate, listeners);
      steps.push(result);
      console.error(
        `  rate ${rate} msg/s: ${
          Math.round(result.deliveriesPerSec)
        } deliveries/s, p99 ${
          result.latencyMs.p99.toFixed(1)
        } ms, lost ${result.lost}`,
      );
      if (!stepHeld(result, config.maxP99Ms)) break;
    }
  }
  for (const client of clients) client.socket.close(1000);
  return {
    sockets: clients.length,
    connectMs,
    bytesPerSocket: config.serverPids.length
      ? (rssAfter - rssBefore) / total
      : NaN,
    marginalBytesPerSocket: config.serverPids.length
      ? (rssAfter - rssHalf) / (total - half)
      : NaN,
    connectCpuMicrosPerSocket: config.serverPids.length
      ? connectCpu / total
      : NaN,
    refusedBy,
    rssBeforeBytes: rssBefore,
    rssAfterBytes: rssAfter,
    steps,
  };
}

/** A step held its rate: p99 within bound, nothing lost, and (nearly) all it offered delivered. */
export function stepHeld(step: StepResult, maxP99Ms: number): boolean {
  return step.latencyMs.p99 <= maxP99Ms && step.lost === 0 &&
    step.duplicated === 0 && step.refused === 0;
}

if (import.meta.main) {
  const config: DriverConfig = JSON.parse(
    await Deno.readTextFile(Deno.args[0]),
  );
  const result = await drive(config);
  console.log(JSON.stringify(result));
  // Sockets close in the background; the result is out, so do not wait for every handshake.
  setTimeout(() => Deno.exit(0), 500);
}
