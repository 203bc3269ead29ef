/**
 * `deno task loadtest` arguments: a shape preset (the four rows of issue 10) that single flags
 * override. Every number is bounded so a run stays short and cannot swamp a shared machine.
 */

/** One load-test run, fully resolved. */
export interface LoadOptions {
  shape: ShapeName;
  /** Salvioris instances to start (2+ share a private Redis); ignored with `urls`. */
  instances: number;
  users: number;
  socketsPerUser: number;
  groups: number;
  /** Groups each socket subscribes to (group sizes are sockets × this / groups). */
  groupsPerSocket: number;
  /** Sockets that send; each group gets senders in turn. */
  senders: number;
  /** Messages per second, all senders together (the first step of a ramp). */
  rate: number;
  /** Characters of text per message. */
  size: number;
  /** Seconds measured per step (after a one-second warm-up). */
  durationS: number;
  /** Alternating rounds of Salvioris and the bare ceiling; medians are reported. */
  rounds: number;
  /** Raise the rate by this factor each step until p99 exceeds `maxP99Ms` (0: one step). */
  rampFactor: number;
  rampSteps: number;
  maxP99Ms: number;
  /** Running instances to target instead of starting them (their pids via `pids`). */
  urls: string[];
  pids: number[];
  /** Run the bare `Deno.upgradeWebSocket` broadcast server in alternation (default true). */
  ceiling: boolean;
  /**
   * Also run Socket.IO 4 + its Redis adapter (`socketio/server.mjs`, on Node) in alternation;
   * off by default (set by `--socketio`), since the first run installs its npm packages.
   */
  socketio?: boolean;
  /** Write a CPU profile of each started instance into this directory. */
  cpuProfDir: string | null;
  /** V8 flags for the started instances (`--v8-flags=...`), e.g. a young generation size. */
  v8Flags: string | null;
  /** Start a private Redis even for one instance (2+ instances always have one). */
  redis: boolean;
}

export type ShapeName = "one" | "two" | "idle" | "max";

type Preset = Omit<
  LoadOptions,
  | "shape"
  | "urls"
  | "pids"
  | "ceiling"
  | "cpuProfDir"
  | "rounds"
  | "v8Flags"
  | "redis"
>;

/** Few users, many sockets each: registering a user (scrypt) is the slow part of a run. */
const base = {
  size: 64,
  durationS: 8,
  rampFactor: 0,
  rampSteps: 1,
  maxP99Ms: 250,
};

/** The four rows of issue 10. */
export const shapes: Record<ShapeName, Preset> = {
  /** 1 instance, 1,000 sockets, 10 groups of 100, 100 msg/s = 10k deliveries/s. */
  one: {
    ...base,
    instances: 1,
    users: 20,
    socketsPerUser: 50,
    groups: 10,
    groupsPerSocket: 1,
    senders: 10,
    rate: 100,
  },
  /** 2 instances on a private Redis, 500 sockets in 2 groups each: 20 groups of 50, 200 msg/s. */
  two: {
    ...base,
    instances: 2,
    users: 20,
    socketsPerUser: 25,
    groups: 20,
    groupsPerSocket: 2,
    senders: 20,
    rate: 200,
  },
  /** 5,000 idle sockets, identified and subscribed: memory per socket. */
  idle: {
    ...base,
    instances: 1,
    users: 20,
    socketsPerUser: 250,
    groups: 50,
    groupsPerSocket: 1,
    senders: 0,
    rate: 0,
    durationS: 0,
  },
  /**
   * The highest rate with p99 ≤ 250 ms on one instance: a ramp ×1.5 a step from 2.5k to 64k
   * deliveries/s, stopping at the first step that does not hold.
   */
  max: {
    ...base,
    instances: 1,
    users: 20,
    socketsPerUser: 50,
    groups: 10,
    groupsPerSocket: 1,
    senders: 20,
    rate: 25,
    durationS: 4,
    rampFactor: 1.5,
    rampSteps: 9,
  },
};

/** Bounds of each numeric flag: [min, max]. */
const bounds: Record<string, [number, number]> = {
  instances: [1, 4],
  users: [1, 5_000],
  socketsPerUser: [1, 1_000],
  groups: [1, 10_000],
  groupsPerSocket: [1, 100],
  senders: [0, 10_000],
  rate: [0, 100_000],
  size: [1, 4_000],
  durationS: [0, 120],
  rounds: [1, 5],
  rampFactor: [0, 4],
  rampSteps: [1, 12],
  maxP99Ms: [1, 60_000],
};

/** Most sockets one run may open (the server's own cap is 50,000). */
export const maxSockets = 60_000;

export const usage = `deno task loadtest [--shape one|two|idle|max] [flags]
  --instances N  --users N  --sockets-per-user N  --groups N
  --groups-per-socket N  --senders N
  --rate MSG_PER_S  --size CHARS  --duration S  --rounds N
  --ramp FACTOR  --ramp-steps N  --max-p99 MS
  --url URL[,URL]  --pids PID[,PID]   target running instances (loopback only)
  --redis        one instance on a private Redis too (the default is the embedded KV bus)
  --no-ceiling   --socketio   --cpu-prof DIR   --v8-flags --max-semi-space-size=2`;

/** Parses the command line; throws an Error naming the flag for anything out of bounds. */
export function parseLoadArgs(argv: string[]): LoadOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument: ${arg}`);
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (["no-ceiling", "socketio", "redis", "help"].includes(name)) {
      flags.set(name, "true");
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`Flag --${name} needs a value`);
    flags.set(name, value);
  }
  if (flags.has("help")) throw new Error(usage);
  const shape = (flags.get("shape") ?? "one") as ShapeName;
  if (!(shape in shapes)) {
    throw new Error(`Unknown shape ${shape}: one of ${Object.keys(shapes)}`);
  }
  flags.delete("shape");
  const options: LoadOptions = {
    shape,
    ...shapes[shape],
    rounds: 1,
    urls: [],
    pids: [],
    ceiling: !flags.delete("no-ceiling"),
    socketio: flags.delete("socketio"),
    cpuProfDir: null,
    v8Flags: null,
    redis: flags.delete("redis"),
  };
  for (const [flag, value] of flags) applyFlag(options, flag, value);
  const sockets = options.users * options.socketsPerUser;
  if (sockets > maxSockets) {
    throw new Error(`Too many sockets: ${sockets} (at most ${maxSockets})`);
  }
  if (options.senders > sockets) {
    throw new Error(`More senders (${options.senders}) than sockets`);
  }
  if (options.groups > sockets * options.groupsPerSocket) {
    throw new Error(`More groups (${options.groups}) than subscriptions`);
  }
  if (options.groupsPerSocket > options.groups) {
    throw new Error(`More groups per socket than groups`);
  }
  if (options.urls.length) options.instances = options.urls.length;
  return options;
}

const renamed: Record<string, string> = {
  "sockets-per-user": "socketsPerUser",
  "groups-per-socket": "groupsPerSocket",
  duration: "durationS",
  ramp: "rampFactor",
  "ramp-steps": "rampSteps",
  "max-p99": "maxP99Ms",
};

function applyFlag(options: LoadOptions, flag: string, value: string): void {
  if (flag === "url") {
    options.urls = value.split(",").filter(Boolean).map(loopbackUrl);
    return;
  }
  if (flag === "pids") {
    options.pids = value.split(",").filter(Boolean).map((p) =>
      bounded("pids", p, [1, 2 ** 22])
    );
    return;
  }
  if (flag === "cpu-prof") {
    options.cpuProfDir = value;
    return;
  }
  if (flag === "v8-flags") {
    if (!/^--[a-z0-9-]+(=[\w.]+)?(,--[a-z0-9-]+(=[\w.]+)?)*$/.test(value)) {
      throw new Error(`--v8-flags ${value}: expected --flag[=value],…`);
    }
    options.v8Flags = value;
    return;
  }
  const key = renamed[flag] ?? flag;
  if (!(key in bounds)) throw new Error(`Unknown flag --${flag}\n${usage}`);
  (options as unknown as Record<string, number>)[key] = bounded(
    flag,
    value,
    bounds[key],
  );
}

function bounded(flag: string, value: string, [min, max]: number[]): number {
  const n = Number(value);
  const integer = flag !== "ramp";
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new Error(`--${flag} ${value} is not a number`);
  }
  if (n < min || n > max) {
    throw new Error(`--${flag} ${value} is out of bounds [${min}, ${max}]`);
  }
  return n;
}

/** Only loopback targets: the tool never loads a machine it does not run on. */
function loopbackUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--url ${value} is not a URL`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`--url ${value} is not loopback (127.0.0.1, localhost)`);
  }
  if (url.protocol !== "http:") throw new Error(`--url ${value}: use http://`);
  return url.origin;
}

/** The rates of a run's steps: one, or a ramp multiplied by `rampFactor` each step. */
export function stepRates(options: LoadOptions): number[] {
  if (!options.rampFactor || options.rampSteps <= 1) return [options.rate];
  return Array.from(
    { length: options.rampSteps },
    (_, i) => Math.round(options.rate * options.rampFactor ** i),
  );
}
