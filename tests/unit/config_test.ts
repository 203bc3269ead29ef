import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
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
});

Deno.test("loadConfig refuses a bad value with a message naming it", () => {
  assert.throws(
    () => loadConfig({ PORT: "eighty" }),
    /Invalid configuration: PORT/,
  );
  assert.throws(() => loadConfig({ REDIS_URL: "not a url" }), /REDIS_URL/);
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
