/**
 * Issue 7 §3: a failure to start says so. Real `main.ts` processes with bad settings exit with a
 * non-zero status and one line naming what failed and the setting to check; no stack trace, no
 * unhandled rejection. Redis that comes up late is waited for.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { integration } from "../helpers/fixture.ts";
import { holdKvLock } from "../helpers/kv_lock.ts";
import { redisTest, startRedis } from "../helpers/redis_server.ts";
import { startServerProcess, tempKvPath } from "../helpers/server_process.ts";

const mainPath = new URL("../../main.ts", import.meta.url).pathname;

interface Outcome {
  code: number;
  output: string;
}

/** Runs `main.ts` until it exits (it must, within 60 s) and answers its status and output. */
async function runMain(env: Record<string, string>): Promise<Outcome> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", mainPath],
    env: { PORT: "0", HOST: "127.0.0.1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const { code, stdout, stderr } = await child.output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code, output: decode(stdout) + decode(stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** Exit status 1, and the last line names the failure and the setting; nothing else alarming. */
function assertFailedToStart(outcome: Outcome, line: RegExp): void {
  const lines = outcome.output.trim().split("\n");
  assert.equal(outcome.code, 1, outcome.output);
  assert.match(lines.at(-1)!, /^salvioris: cannot start: /, outcome.output);
  assert.match(lines.at(-1)!, line, outcome.output);
  assert.doesNotMatch(outcome.output, /^\s+at /m, "no stack trace");
  assert.doesNotMatch(outcome.output, /unhandled|uncaught/i);
  assert.doesNotMatch(outcome.output, /listening on/);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test(
  "start-up failures exit non-zero with one clear line",
  integration,
  async (t) => {
    const kvPath = await tempKvPath();
    try {
      await t.step("a malformed setting names the setting", async () => {
        assertFailedToStart(
          await runMain({ KV_PATH: kvPath, PORT: "eighty" }),
          /Invalid configuration: PORT: .*\(check PORT\)$/,
        );
      });

      await t.step(
        "a KV_PATH that cannot be a file names KV_PATH",
        async () => {
          const notADir = `${dirname(kvPath)}/plain-file`;
          await Deno.writeTextFile(notADir, "");
          assertFailedToStart(
            await runMain({ KV_PATH: `${notADir}/x.kv` }),
            /Cannot open the Deno KV file .*plain-file\/x\.kv: .*\(check KV_PATH\)$/,
          );
        },
      );

      await t.step(
        "an ATTACHMENTS_DIR that cannot be a folder names ATTACHMENTS_DIR",
        async () => {
          const file = `${dirname(kvPath)}/not-a-folder`;
          await Deno.writeTextFile(file, "");
          assertFailedToStart(
            await runMain({
              KV_PATH: kvPath,
              ATTACHMENTS_DIR: `${file}/files`,
            }),
            /Cannot open the attachments folder .*not-a-folder\/files: .*\(check ATTACHMENTS_DIR\)$/,
          );
        },
      );

      await t.step(
        "a KV file whose lock never clears names KV_PATH",
        async () => {
          const locked = `${dirname(kvPath)}/locked.kv`;
          const holder = await holdKvLock(locked);
          try {
            assertFailedToStart(
              await runMain({ KV_PATH: locked, STARTUP_TIMEOUT_MS: "1000" }),
              /locked\.kv: the file stayed locked for .* s \(check KV_PATH\)$/,
            );
          } finally {
            await holder.release();
          }
        },
      );

      await t.step("an address in use names PORT", async () => {
        const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        try {
          const port = (listener.addr as Deno.NetAddr).port;
          assertFailedToStart(
            await runMain({ KV_PATH: kvPath, PORT: String(port) }),
            /Cannot listen on 127\.0\.0\.1:\d+: the address is in use \(check PORT \/ HOST\)$/,
          );
        } finally {
          listener.close();
        }
      });

      await t.step(
        "Redis unreachable past STARTUP_TIMEOUT_MS names REDIS_URL",
        async () => {
          const url = `redis://127.0.0.1:${freePort()}`;
          assertFailedToStart(
            await runMain({
              KV_PATH: kvPath,
              REDIS_URL: url,
              STARTUP_TIMEOUT_MS: "1500",
            }),
            /Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable after .* s: .*\(check REDIS_URL\)$/,
          );
        },
      );

      await t.step(
        "MongoDB unreachable past STARTUP_TIMEOUT_MS names MONGODB_URI",
        async () => {
          const uri = `mongodb://127.0.0.1:${freePort()}/salvioris`;
          assertFailedToStart(
            await runMain({ MONGODB_URI: uri, STARTUP_TIMEOUT_MS: "1500" }),
            /MongoDB at mongodb:\/\/127\.0\.0\.1:\d+\/salvioris is unreachable after .* s: .*\(check MONGODB_URI\)$/,
          );
        },
      );

      await t.step(
        "a MongoDB URI the driver cannot parse fails at once, naming MONGODB_URI",
        async () => {
          assertFailedToStart(
            await runMain({ MONGODB_URI: "mongo://user:secret@x" }),
            /MongoDB at .* refused: .*\(check MONGODB_URI\)$/,
          );
        },
      );
    } finally {
      await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
    }
  },
);

Deno.test(
  "a KV file locked by another process for a while is waited for, then served",
  integration,
  async () => {
    const kvPath = await tempKvPath();
    const holder = await holdKvLock(kvPath);
    // Longer than SQLite's own busy wait inside Deno.openKv (5 s), so only our retry can help.
    const release = new Promise((r) => setTimeout(r, 7_000)).then(() =>
      holder.release()
    );
    try {
      const server = await startServerProcess({ KV_PATH: kvPath });
      try {
        await release;
        assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      } finally {
        await server.stop();
      }
    } finally {
      await holder.release();
      await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
    }
  },
);

redisTest(
  "Redis that comes up after the instance is waited for, then served",
  async () => {
    const redis = await startRedis();
    await redis.stop(); // keeps its port; started again below while the instance waits
    const kvPath = await tempKvPath();
    try {
      const serving = startServerProcess({
        KV_PATH: kvPath,
        REDIS_URL: redis.url,
        STARTUP_TIMEOUT_MS: "30000",
      });
      // Redis starts only once the instance has tried it and been turned away, however slowly
      // the process starts on a busy machine.
      await firstConnectionTo(redis.port);
      await redis.start();
      const server = await serving;
      try {
        assert.match(
          server.output(),
          /Redis at .* is unreachable .*; retrying/,
        );
        assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      } finally {
        await server.stop();
      }
    } finally {
      await redis.kill();
      await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
    }
  },
  integration,
);

/**
 * Accepts one connection on `port`, closes it at once (as a port nobody serves would refuse it)
 * and stops listening: resolves when a client has tried the port.
 */
async function firstConnectionTo(port: number): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    const conn = await listener.accept();
    conn.close();
  } finally {
    listener.close();
  }
}
