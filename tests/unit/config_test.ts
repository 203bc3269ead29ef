import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import type { StartupError } from "../../lib/startup.ts";
import { originAllowed } from "../../gateway/origin.ts";

Deno.test("loadConfig gives laptop defaults for an empty environment", () => {
  const config = loadConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.kvPath, "./data/salvioris.kv");
  assert.equal(config.redisUrl, undefined);
  assert.equal(config.mongodbUri, undefined);
  assert.deepEqual(config.allowedOrigins, []);
  assert.equal(config.heartbeatIntervalMs, 30_000);
  assert.equal(config.startupTimeoutMs, 15_000);
});

Deno.test("loadConfig bounds anonymous work by default: auth budgets and socket caps", () => {
  const config = loadConfig({});
  assert.equal(config.http.authBurst, 10);
  assert.equal(config.http.authPerMinute, 1200);
  assert.equal(
    config.http.hashConcurrency,
    Math.max(1, navigator.hardwareConcurrency),
  );
  assert.equal(config.http.hashQueue, 64);
  assert.equal(config.http.loginFailureLimit, 5);
  assert.equal(config.http.loginFailureWindowMs, 300_000);
  assert.deepEqual(config.sockets, {
    maxSockets: 50_000,
    maxPerAddress: 10_000,
    maxUnidentified: 1_000,
    maxUnidentifiedPerAddress: 50,
  });
});

Deno.test("loadConfig reads the limits from the environment", () => {
  const config = loadConfig({
    STARTUP_TIMEOUT_MS: "2500",
    AUTH_HASH_CONCURRENCY: "3",
    AUTH_HASH_QUEUE: "7",
    LOGIN_FAILURE_LIMIT: "2",
    LOGIN_FAILURE_WINDOW_MS: "1000",
    MAX_SOCKETS: "9",
    MAX_SOCKETS_PER_ADDRESS: "8",
    MAX_UNIDENTIFIED_SOCKETS: "7",
    MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS: "6",
  });
  assert.equal(config.startupTimeoutMs, 2500);
  assert.equal(config.http.hashConcurrency, 3);
  assert.equal(config.http.hashQueue, 7);
  assert.equal(config.http.loginFailureLimit, 2);
  assert.equal(config.http.loginFailureWindowMs, 1000);
  assert.deepEqual(config.sockets, {
    maxSockets: 9,
    maxPerAddress: 8,
    maxUnidentified: 7,
    maxUnidentifiedPerAddress: 6,
  });
});

Deno.test("loadConfig refuses a bad value with a message naming it", () => {
  assert.throws(
    () => loadConfig({ PORT: "eighty" }),
    /Invalid configuration: PORT/,
  );
  assert.throws(() => loadConfig({ REDIS_URL: "not a url" }), /REDIS_URL/);
  assert.throws(
    () => loadConfig({ MAX_SOCKETS: "0" }),
    (err: StartupError) => err.setting === "MAX_SOCKETS",
  );
});

Deno.test("ALLOWED_ORIGINS entries are trimmed and lose a trailing slash", () => {
  const config = loadConfig({
    ALLOWED_ORIGINS: " https://a.example/ ,https://b.example",
  });
  assert.deepEqual(config.allowedOrigins, [
    "https://a.example",
    "https://b.example",
  ]);
});

Deno.test("originAllowed: no Origin, same host, or a listed origin; nothing else", () => {
  const url = "http://chat.example:8000/gateway";
  assert.equal(originAllowed(null, url, "chat.example:8000", []), true);
  assert.equal(
    originAllowed("https://chat.example:8000", url, "chat.example:8000", []),
    true,
  );
  assert.equal(
    originAllowed("https://evil.example", url, "chat.example:8000", []),
    false,
  );
  assert.equal(originAllowed("null", url, "chat.example:8000", []), false);
  assert.equal(
    originAllowed("https://app.example", url, "chat.example:8000", [
      "https://app.example",
    ]),
    true,
  );
});

Deno.test("HANDOFF_MAX_BACKLOG defaults to 100000 and must be a positive integer", () => {
  assert.equal(loadConfig({}).handoffMaxBacklog, 100_000);
  assert.equal(
    loadConfig({ HANDOFF_MAX_BACKLOG: "500" }).handoffMaxBacklog,
    500,
  );
  assert.throws(
    () => loadConfig({ HANDOFF_MAX_BACKLOG: "0" }),
    /HANDOFF_MAX_BACKLOG/,
  );
});

Deno.test("loadConfig lets the projector linger 100 ms by default, 0 to write each batch at once, and refuses a negative linger", () => {
  assert.equal(loadConfig({}).projectorLingerMs, 100);
  assert.equal(loadConfig({ PROJECTOR_LINGER_MS: "0" }).projectorLingerMs, 0);
  assert.throws(
    () => loadConfig({ PROJECTOR_LINGER_MS: "-5" }),
    /PROJECTOR_LINGER_MS/,
  );
});
