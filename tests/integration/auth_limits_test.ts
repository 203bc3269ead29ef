/**
 * Issue 7 §4: anonymous calls to register and login cannot exhaust the server's memory. Password
 * hashing (scrypt, ~16 MiB each) runs in a small pool with a bounded queue; beyond it, and past
 * the per-address and per-username budgets, requests are refused with 503 / 429, never 500.
 * Memory is read from the real server process's /proc entry.
 */
import assert from "node:assert/strict";
import { ApiClient, type ApiResponse } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";

const MiB = 1024 * 1024;

/** A field of /proc/<pid>/status in bytes (VmRSS: resident now, VmHWM: peak resident). */
async function memoryOf(pid: number, field: "VmRSS" | "VmHWM") {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  if (!kib) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib[1]) * 1024;
}

/**
 * Resets the process's peak resident size to its current size (Linux `clear_refs` 5). Where that
 * is refused the old peak stays, which can only make the measured growth larger, never hide it.
 */
async function resetPeak(pid: number): Promise<void> {
  try {
    await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
  } catch (err) {
    console.warn(
      `auth memory: cannot reset the peak (${(err as Error).message})`,
    );
  }
}

/** `n` wrong-password logins at once, each for a different (unknown) username. */
function wrongLogins(url: string, n: number): Promise<ApiResponse[]> {
  const api = new ApiClient(url);
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      api.post("/api/auth/login", {
        username: `nobody${i}_${crypto.randomUUID().slice(0, 6)}`,
        password: "wrong password",
      })),
  );
}

function countBy(responses: ApiResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** A refusal that tells the client when to come back, in the body and the header. */
function assertRetryable(res: ApiResponse, code: string): void {
  assert.equal(res.body.error.code, code);
  assert.ok(res.body.error.retry_after_ms > 0, JSON.stringify(res.body));
  assert.ok(Number(res.headers.get("retry-after")) >= 1);
}

Deno.test("password hashing is bounded", integration, async (t) => {
  await withServer({ AUTH_HASH_CONCURRENCY: "2" }, async (server) => {
    await t.step(
      "64 concurrent wrong-password logins raise the server's peak memory by under 200 MiB",
      async () => {
        await wrongLogins(server.url, 2); // warm up the route before measuring
        const before = await memoryOf(server.pid, "VmRSS");
        await resetPeak(server.pid);
        const answers = await wrongLogins(server.url, 64);
        const growth = await memoryOf(server.pid, "VmHWM") - before;
        console.log(
          `auth memory: peak RSS grew ${
            (growth / MiB).toFixed(1)
          } MiB over 64 concurrent logins`,
        );
        assert.deepEqual(
          countBy(answers),
          { 401: 64 },
          "all queued, none lost",
        );
        assert.ok(growth < 200 * MiB, `grew ${(growth / MiB).toFixed(1)} MiB`);
      },
    );

    await t.step(
      "past the pool and its queue, logins get 503 unavailable with retry_after_ms, never 500",
      async () => {
        const answers = await wrongLogins(server.url, 200);
        const counts = countBy(answers);
        assert.deepEqual(Object.keys(counts).sort(), ["401", "503"]);
        assert.ok(counts[401] >= 66, "the pool and the queue are served");
        assertRetryable(answers.find((r) => r.status === 503)!, "unavailable");
      },
    );
  });
});

Deno.test("login and register budgets", integration, async (t) => {
  // Burst at its default (10), refilled slowly here so the burst alone decides.
  await withServer(
    { AUTH_RATE_BURST: "", AUTH_RATE_PER_MIN: "6" },
    async (server) => {
      await t.step(
        "one address gets a burst of 10 register/login attempts, then 429",
        async () => {
          const answers = await wrongLogins(server.url, 30);
          const counts = countBy(answers);
          assert.ok(counts[401] <= 11, JSON.stringify(counts));
          assert.ok(counts[429] >= 19, JSON.stringify(counts));
          assertRetryable(
            answers.find((r) => r.status === 429)!,
            "rate_limited",
          );
        },
      );
    },
  );

  await withServer({}, async (server) => {
    const api = new ApiClient(server.url);
    const alice = { username: "alice_t", password: "correct horse" };
    assert.equal((await api.post("/api/auth/register", alice)).status, 201);

    await t.step(
      "after 5 failed logins a username gets 429, even with the right password",
      async () => {
        for (let i = 0; i < 5; i++) {
          const res = await api.post("/api/auth/login", {
            username: "alice_t",
            password: `guess ${i}`,
          });
          assert.equal(res.status, 401);
        }
        const right = await api.post("/api/auth/login", {
          username: "ALICE_T", // usernames compare case-insensitively
          password: alice.password,
        });
        assert.equal(right.status, 429);
        assertRetryable(right, "rate_limited");
        assert.match(right.body.error.message, /username/);
      },
    );

    await t.step("other usernames are not affected", async () => {
      const bob = { username: "bob_t", password: "correct horse" };
      assert.equal((await api.post("/api/auth/register", bob)).status, 201);
      assert.equal((await api.post("/api/auth/login", bob)).status, 200);
    });

    await t.step(
      "concurrent guesses for one username: at most 5 are checked, the rest get 429",
      async () => {
        const carol = { username: "carol_t", password: "correct horse" };
        assert.equal((await api.post("/api/auth/register", carol)).status, 201);
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            api.post("/api/auth/login", {
              username: "carol_t",
              password: `guess ${i}`,
            })),
        );
        assert.deepEqual(countBy(answers), { 401: 5, 429: 15 });
      },
    );
  });
});
