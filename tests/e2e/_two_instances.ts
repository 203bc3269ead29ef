/**
 * The world every browser end-to-end test runs in: two real instances (`n1`, `n2`) sharing a
 * private redis-server and one KV file, or one instance serving everybody when redis-server is
 * missing (without Redis the instances could not talk). Browsers the test launches go into
 * `browsers`; when the test fails, what the instances and browsers printed is shown, and in
 * every case the browsers are closed and the servers and Redis stopped by their PIDs.
 */
import { dirname } from "node:path";
import {
  redisIgnore,
  type RedisServer,
  startRedis,
} from "../helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "../helpers/server_process.ts";
import { type BrowserUser, buildIslands } from "./_browser.ts";

export interface TwoInstances {
  /** The private Redis, or null when redis-server is missing. */
  redis: RedisServer | null;
  /** `[n1, n2]`; both entries are the same instance without Redis. A test may replace one
   * (e.g. after restarting it): teardown stops whatever the array holds at the end. */
  servers: ServerProcess[];
  /** Browsers the test launched; all are closed at the end. */
  browsers: BrowserUser[];
}

/** Builds the islands, starts the instances (with `env` added to theirs), runs `test`, and
 * tears everything down, printing diagnostics first if `test` threw. */
export async function withTwoInstances(
  test: (world: TwoInstances) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  await buildIslands();
  const redis = redisIgnore ? null : await startRedis();
  const kvPath = await tempKvPath();
  const instanceEnv = (id: string): Record<string, string> => ({
    KV_PATH: kvPath,
    INSTANCE_ID: id,
    ...env,
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });
  const world: TwoInstances = { redis, servers: [], browsers: [] };
  const { servers, browsers } = world;
  try {
    servers.push(await startServerProcess(instanceEnv("n1")));
    servers.push(
      redis ? await startServerProcess(instanceEnv("n2")) : servers[0],
    );
    await test(world);
  } catch (err) {
    await printDiagnostics(world);
    throw err;
  } finally {
    await Promise.all(browsers.map((u) => u.close()));
    await Promise.all([...new Set(servers)].map((s) => s.stop()));
    await redis?.kill();
    await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
  }
}

/** The tail of each instance's output, each browser's notice and its page errors. */
async function printDiagnostics({ servers, browsers }: TwoInstances) {
  for (const [i, server] of [...new Set(servers)].entries()) {
    console.error(`--- n${i + 1} output ---\n${server.output().slice(-3000)}`);
  }
  for (const [i, browser] of browsers.entries()) {
    const notice = await browser.page.locator(".notice").textContent({
      timeout: 500,
    }).catch(() => null);
    if (notice) console.error(`--- browser ${i + 1} notice: ${notice}`);
    if (browser.problems.length) {
      console.error(`--- browser ${i + 1} ---\n${browser.problems.join("\n")}`);
    }
  }
}
