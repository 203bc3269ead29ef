/**
 * The processes of a run: Salvioris instances (`main.ts`, with a private Redis when there are
 * several), the bare ceiling server and the load driver. Everything started is stopped by PID.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type RedisServer,
  startRedis,
} from "../../tests/helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "../../tests/helpers/server_process.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** Limits lifted for load: one address opens every socket and the senders send fast. */
const loadEnv = {
  RATE_FRAMES_BURST: "100000",
  RATE_FRAMES_PER_SEC: "100000",
  RATE_MESSAGES_BURST: "100000",
  RATE_MESSAGES_PER_SEC: "100000",
  MAX_SOCKETS_PER_ADDRESS: "60000",
  MAX_SOCKETS: "60000",
  // Idle sockets send nothing: opening tens of thousands takes minutes, and the first ones must
  // not be closed for silence (4009 after 2 × the interval) before memory is read.
  HEARTBEAT_INTERVAL_MS: "600000",
};

/** A set of running targets: their URLs and PIDs, and how to stop them. */
export interface Targets {
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts `count` Salvioris instances on one fresh KV file, with a private Redis for 2+ or when
 * `withRedis` asks for one.
 */
export async function startSalvioris(
  count: number,
  cpuProfDir: string | null,
  v8Flags: string | null = null,
  withRedis = false,
): Promise<Targets> {
  const kvPath = await tempKvPath();
  let redis: RedisServer | null = null;
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.kill();
    await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
  };
  try {
    if (count > 1 || withRedis) redis = await startRedis();
    for (let i = 0; i < count; i++) {
      servers.push(
        await startServerProcess({
          ...loadEnv,
          KV_PATH: kvPath,
          INSTANCE_ID: `load${i + 1}`,
          ...(redis ? { REDIS_URL: redis.url } : {}),
        }, {
          denoFlags: [
            ...(cpuProfDir
              ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`]
              : []),
            ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
          ],
        }),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls: servers.map((s) => s.url),
    pids: servers.map((s) => s.pid),
    stop,
  };
}

/** Starts the bare broadcast server (`bare_server.ts`). */
export async function startBare(): Promise<Targets> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${here}/bare_server.ts`],
    env: { PORT: "0" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`bare server exited before listening: ${seen}`);
    seen += value;
    port = Number(seen.match(/localhost:(\d+)/)?.[1] ?? 0);
  }
  void reader.cancel().catch(() => {});
  return {
    urls: [`http://127.0.0.1:${port}`],
    pids: [child.pid],
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

/** Runs the driver process on a config file; answers its parsed JSON result. */
export async function runDriver<T>(configPath: string): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", `${here}/driver.ts`, configPath],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) throw new Error(`driver failed (${out.code}): ${text}`);
  return JSON.parse(text.split("\n").at(-1)!);
}
