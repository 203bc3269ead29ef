/**
 * Issue 7 §2: instances started at the same instant on one fresh KV file and one Redis all come
 * up and serve. SQLite answers "database is locked" to all but one of them while the file is
 * created and its schema set up; opening and writing retry that with a bounded backoff.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { ApiClient } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { redisTest, startRedis } from "../helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "../helpers/server_process.ts";

const instances = 3;
const rounds = 20;
/** The rounds stop early past this budget (a loaded machine starts processes slowly). */
const budgetMs = 150_000;
/** Fewer rounds than this within the budget proves too little. */
const minRounds = 3;

/** One instance serves: ready, and a new user registers and logs in on it. */
async function assertServes(server: ServerProcess): Promise<void> {
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200, JSON.stringify(await ready.json()));
  const api = new ApiClient(server.url);
  const creds = {
    username: `u${crypto.randomUUID().slice(0, 8)}`,
    password: "correct horse",
  };
  assert.equal((await api.post("/api/auth/register", creds)).status, 201);
  assert.equal((await api.post("/api/auth/login", creds)).status, 200);
}

/** Starts `instances` processes at once on one new KV file; every one must serve. */
async function round(redisUrl: string): Promise<void> {
  const kvPath = await tempKvPath();
  const started = await Promise.allSettled(
    Array.from(
      { length: instances },
      () => startServerProcess({ KV_PATH: kvPath, REDIS_URL: redisUrl }),
    ),
  );
  const servers = started.flatMap((r) =>
    r.status === "fulfilled" ? [r.value] : []
  );
  try {
    for (const result of started) {
      if (result.status === "rejected") throw result.reason;
    }
    await Promise.all(servers.map(assertServes));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
  }
}

redisTest(
  `${instances} instances started at once on one KV file all serve, ${rounds} rounds`,
  async () => {
    const redis = await startRedis();
    const startedAt = Date.now();
    let ran = 0;
    try {
      while (ran < rounds && Date.now() - startedAt < budgetMs) {
        await round(redis.url);
        ran++;
      }
    } finally {
      console.log(
        `startup lock: ${ran} of ${rounds} rounds of ${instances} instances ran in ${
          Math.round((Date.now() - startedAt) / 1000)
        } s`,
      );
      await redis.kill();
    }
    assert.ok(ran >= minRounds, `only ${ran} rounds within the budget`);
  },
  integration,
);
