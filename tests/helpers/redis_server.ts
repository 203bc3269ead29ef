/**
 * A private `redis-server` for tests: its own free port on 127.0.0.1, no persistence unless asked
 * for (`persist`), killed when the test ends. Tests that need one register through `redisTest`
 * (or `redisIgnore`), which skips them with a printed reason when `redis-server` is not
 * installed, unless `REQUIRE_REDIS=1`.
 */
import { freePort } from "./free_port.ts";

/** A running private Redis. */
export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server gracefully (its data is lost unless it was started with `persist`). */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop()`. */
  start(): Promise<void>;
  /** Kills it for good and removes its directory; safe to call twice. */
  kill(): Promise<void>;
}

const live = new Set<Deno.ChildProcess>();

// Last resort for a test that failed before its `finally`: no redis-server outlives the run.
globalThis.addEventListener("unload", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
});

/** True when `redis-server` can be run. */
export async function redisAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

const required = Deno.env.get("REQUIRE_REDIS") === "1";
/** True when Redis tests are to be ignored (no redis-server and not required). */
export const redisIgnore = !required && !(await redisAvailable());
if (redisIgnore) {
  console.warn(
    "redis tests ignored: redis-server is not on PATH (set REQUIRE_REDIS=1 to fail instead)",
  );
}

/** Registers a test that is ignored, with the reason printed once, when Redis is unavailable. */
export function redisTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  options: Omit<Deno.TestDefinition, "name" | "fn" | "ignore"> = {},
): void {
  Deno.test({ ...options, name, ignore: redisIgnore, fn });
}

/** Options of a private Redis. */
export interface RedisOptions {
  /**
   * Keep the data across `stop()`/`start()` with an append-only file fsynced on every write
   * (`--appendonly yes --appendfsync always`), as production must run. Default: no persistence.
   */
  persist?: boolean;
}

/** Starts a private redis-server on a free port and waits until it answers PING. */
export async function startRedis(
  options: RedisOptions = {},
): Promise<RedisServer> {
  const dir = await Deno.makeTempDir({ prefix: "salvioris_redis_" });
  const persist = options.persist ?? false;
  let child: Deno.ChildProcess | null = null;
  let port = 0;
  for (let attempt = 1; child === null; attempt++) {
    port = freePort();
    try {
      child = await spawn(port, dir, persist);
    } catch (err) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3) {
        await Deno.remove(dir, { recursive: true });
        throw err;
      }
    }
  }
  let current: Deno.ChildProcess | null = child;
  const halt = async (signal: Deno.Signal) => {
    const proc = current;
    current = null;
    if (!proc) return;
    try {
      proc.kill(signal);
    } catch { /* already exited */ }
    await proc.status;
    live.delete(proc);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => halt("SIGTERM"),
    start: async () => {
      if (current) {
        throw new Error(`Cannot start redis on ${port}: it is running`);
      }
      current = await spawn(port, dir, persist);
    },
    kill: async () => {
      await halt("SIGKILL");
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function spawn(
  port: number,
  dir: string,
  persist: boolean,
): Promise<Deno.ChildProcess> {
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    ...(persist
      ? ["--appendonly", "yes", "--appendfsync", "always"]
      : ["--appendonly", "no"]),
  ];
  args.push("--dir", dir, "--loglevel", "warning");
  const child = new Deno.Command("redis-server", {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  })
    .spawn();
  live.add(child);
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await answersPing(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
  await child.status;
  live.delete(child);
  throw new Error(`redis-server did not answer PING on port ${port}`);
}

/** True when something on the port answers a Redis PING with +PONG. */
async function answersPing(port: number): Promise<boolean> {
  let conn: Deno.TcpConn | null = null;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return n !== null &&
      new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    conn?.close();
  }
}
