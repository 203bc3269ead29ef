/**
 * A private `redis-server` for tests: its own free port on 127.0.0.1, no persistence unless asked
 * for (`persist`), killed when the test ends. Tests that need one register through `redisTest`
 * (or `redisIgnore`), which skips them with a printed reason when `redis-server` is not
 * installed, unless `REQUIRE_REDIS=1`.
 */
import { answersVersion, startPrivateServer } from "./private_server.ts";

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

/** True when `redis-server` can be run. */
export function redisAvailable(): Promise<boolean> {
  return answersVersion("redis-server");
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
  const persistence = options.persist
    ? ["--appendonly", "yes", "--appendfsync", "always"]
    : ["--appendonly", "no"];
  const server = await startPrivateServer({
    name: "redis-server",
    dirPrefix: "salvioris_redis_",
    command: (port, dir) => ({
      bin: "redis-server",
      args: [
        ...["--port", String(port), "--bind", "127.0.0.1", "--save", ""],
        ...persistence,
        ...["--dir", dir, "--loglevel", "warning"],
      ],
    }),
    answers: answersPing,
    readyTimeoutMs: 5_000,
    pollMs: 20,
  });
  return {
    url: `redis://127.0.0.1:${server.port}`,
    port: server.port,
    stop: server.stop,
    start: server.start,
    kill: server.kill,
  };
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
