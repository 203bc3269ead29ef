import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";

Deno.test("metrics are off and logs are readable text at info by default", () => {
  const config = loadConfig({});
  assert.deepEqual(config.metrics, { token: undefined, port: undefined });
  assert.deepEqual(config.log, { format: "text", level: "info" });
});

Deno.test("METRICS_TOKEN, METRICS_PORT, LOG_FORMAT and LOG_LEVEL are read", () => {
  const config = loadConfig({
    METRICS_TOKEN: "a-long-enough-token",
    METRICS_PORT: "9464",
    LOG_FORMAT: "json",
    LOG_LEVEL: "warn",
  });
  assert.deepEqual(config.metrics, {
    token: "a-long-enough-token",
    port: 9464,
  });
  assert.deepEqual(config.log, { format: "json", level: "warn" });
});

Deno.test("a short METRICS_TOKEN or an unknown LOG_FORMAT stops start-up with a clear message", () => {
  assert.throws(
    () => loadConfig({ METRICS_TOKEN: "short" }),
    /METRICS_TOKEN: must be at least 16 characters/,
  );
  assert.throws(() => loadConfig({ LOG_FORMAT: "xml" }), /LOG_FORMAT/);
  assert.throws(() => loadConfig({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
  assert.throws(() => loadConfig({ METRICS_PORT: "70000" }), /METRICS_PORT/);
});
