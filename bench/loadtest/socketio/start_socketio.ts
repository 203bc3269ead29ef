/**
 * The Socket.IO target of `deno task loadtest --socketio`: installs `server.mjs`'s dependencies
 * on demand into a cache folder (from the committed lockfile, never into the repository), then
 * starts one private Redis and 1–N Node instances of it. Anything missing (node, npm, network,
 * redis-server) gives a reason to skip the target, never a failed run.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  redisAvailable,
  type RedisServer,
  startRedis,
} from "../../../tests/helpers/redis_server.ts";
import type { Targets } from "../processes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const committed = ["package.json", "package-lock.json", "server.mjs"];
/** An install that takes longer than this (a slow or absent network) is given up. */
const installTimeoutMs = 180_000;

/** Where the server and its node_modules live: `~/.cache/salvioris/socketio-bench/`. */
export function cacheDir(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ??
    join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(base, "salvioris", "socketio-bench");
}

async function run(
  cmd: string,
  args: string[],
  cwd?: string,
): Promise<{ ok: boolean; text: string }> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(installTimeoutMs),
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    return { ok: out.success, text: text.trim() };
  } catch (err) {
    return { ok: false, text: (err as Error).message };
  }
}

async function readOrEmpty(path: string): Promise<string> {
  return await Deno.readTextFile(path).catch(() => "");
}

/**
 * Makes the cache folder hold the committed server and lockfile and their node_modules
 * (`npm ci` when the lockfile changed or nothing is installed). Answers why it cannot, or null.
 */
export async function prepareSocketio(): Promise<string | null> {
  const node = await run("node", ["--version"]);
  if (!node.ok) return `node is not runnable (${node.text})`;
  // Under `deno task`, a missing `node` may resolve to Deno's own shim, which answers "deno …".
  const version = node.text.split("\n")[0];
  if (Number(version.match(/^v(\d+)\./)?.[1] ?? 0) < 18) {
    return `node --version answered "${version}", not Node 18+`;
  }
  if (!(await redisAvailable())) return "redis-server is not on PATH";
  const dir = cacheDir();
  await Deno.mkdir(dir, { recursive: true });
  const lock = await Deno.readTextFile(join(here, "package-lock.json"));
  const installedLock = join(dir, "node_modules", ".salvioris-lock.json");
  for (const file of committed) {
    await Deno.copyFile(join(here, file), join(dir, file));
  }
  if (await readOrEmpty(installedLock) === lock) return null;
  console.error(`socketio: npm ci into ${dir} (once per lockfile)`);
  const npm = await run(
    "npm",
    ["ci", "--no-audit", "--no-fund", "--omit=dev"],
    dir,
  );
  if (!npm.ok) {
    return `npm ci failed in ${dir}: ${
      npm.text.split("\n").slice(-3).join(" ")
    }`;
  }
  await Deno.writeTextFile(installedLock, lock);
  return null;
}

/** Spawns `node server.mjs` and waits for its "listening on …:PORT" line. */
async function startNode(
  env: Record<string, string>,
): Promise<{ child: Deno.ChildProcess; port: number }> {
  const child = new Deno.Command("node", {
    args: [join(cacheDir(), "server.mjs")],
    env: { ...env, PORT: "0" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`socketio server exited before listening: ${seen}`);
    }
    seen += value;
    port = Number(seen.match(/localhost:(\d+)/)?.[1] ?? 0);
  }
  void reader.cancel().catch(() => {});
  return { child, port };
}

/** Starts a private Redis and `count` Socket.IO instances on it (call `prepareSocketio` first). */
export async function startSocketio(count: number): Promise<Targets> {
  const redis: RedisServer = await startRedis();
  const children: Deno.ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    for (const child of children) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await Promise.all(children.map((c) => c.status));
    await redis.kill();
  };
  try {
    for (let i = 0; i < count; i++) {
      const { child, port } = await startNode({
        REDIS_URL: redis.url,
        INSTANCE_INDEX: String(i),
        INSTANCE_COUNT: String(count),
      });
      children.push(child);
      ports.push(port);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    pids: children.map((c) => c.pid),
    stop,
  };
}
