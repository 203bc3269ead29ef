import assert from "node:assert/strict";
import {
  reasonOf,
  redactUrl,
  retryUntilReachable,
  StartupError,
  startupFailureLine,
} from "../../lib/startup.ts";

Deno.test("startupFailureLine names what failed and the setting to check, on one line", () => {
  const err = new StartupError(
    "Cannot open the Deno KV file /x: denied",
    "KV_PATH",
  );
  assert.equal(
    startupFailureLine(err),
    "salvioris: cannot start: Cannot open the Deno KV file /x: denied (check KV_PATH)",
  );
  assert.equal(
    startupFailureLine(new Error("boom\n  at somewhere")),
    "salvioris: cannot start: boom at somewhere",
  );
});

Deno.test("reasonOf answers the innermost cause's message", () => {
  const inner = new Error("connect ECONNREFUSED 127.0.0.1:1");
  const outer = new Error("Cannot open the Redis bus", { cause: inner });
  assert.equal(reasonOf(outer), "connect ECONNREFUSED 127.0.0.1:1");
  assert.equal(reasonOf("plain"), "plain");
});

Deno.test("redactUrl hides a password and never prints an unparsable string", () => {
  assert.equal(
    redactUrl("redis://user:secret@db.example:6379/0"),
    "redis://user:***@db.example:6379/0",
  );
  assert.equal(redactUrl("redis://db.example:6379"), "redis://db.example:6379");
  assert.equal(redactUrl("not a url with secret"), "(unparsable)");
});

Deno.test("retryUntilReachable retries until the service answers", async () => {
  let attempts = 0;
  const answer = await retryUntilReachable(
    { what: "Redis", setting: "REDIS_URL", timeoutMs: 5_000 },
    () =>
      ++attempts < 3
        ? Promise.reject(new Error("refused"))
        : Promise.resolve("up"),
  );
  assert.equal(answer, "up");
  assert.equal(attempts, 3);
});

Deno.test("retryUntilReachable gives up after timeoutMs with a StartupError naming the setting", async () => {
  await assert.rejects(
    retryUntilReachable(
      { what: "Redis at redis://h", setting: "REDIS_URL", timeoutMs: 300 },
      () => Promise.reject(new Error("refused")),
    ),
    (err: StartupError) =>
      err.setting === "REDIS_URL" &&
      /Redis at redis:\/\/h is unreachable after .* s: refused/.test(
        err.message,
      ),
  );
});

Deno.test("retryUntilReachable does not retry a permanent error", async () => {
  let attempts = 0;
  await assert.rejects(
    retryUntilReachable(
      {
        what: "MongoDB",
        setting: "MONGODB_URI",
        timeoutMs: 5_000,
        permanent: () => true,
      },
      () => {
        attempts++;
        return Promise.reject(new Error("Invalid scheme"));
      },
    ),
    /MongoDB refused: Invalid scheme/,
  );
  assert.equal(attempts, 1);
});
