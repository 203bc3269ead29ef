import assert from "node:assert/strict";
import { configureLog, log, type LogLevel } from "../../lib/log.ts";
import { ChatError } from "../../lib/protocol/errors.ts";

/** Captures the lines written while `fn` runs, with the given settings. */
function capture(
  settings: Parameters<typeof configureLog>[0],
  fn: () => void,
): Array<{ level: LogLevel; line: string }> {
  const lines: Array<{ level: LogLevel; line: string }> = [];
  configureLog({
    format: "text",
    level: "info",
    instanceId: undefined,
    ...settings,
    write: (level, line) => lines.push({ level, line }),
  });
  try {
    fn();
  } finally {
    configureLog({ format: "text", level: "info", write: undefined });
  }
  return lines;
}

Deno.test("LOG_FORMAT=json writes one JSON object per line with level, event, instance and ids", () => {
  const lines = capture({ format: "json", instanceId: "i-1" }, () => {
    log.warn("gateway.frame_failed", "A frame failed", {
      socket_id: "s1",
      user_id: "u1",
      group_id: "g1",
    });
  });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].line.includes("\n"));
  const entry = JSON.parse(lines[0].line);
  assert.equal(entry.level, "warn");
  assert.equal(entry.event, "gateway.frame_failed");
  assert.equal(entry.instance, "i-1");
  assert.equal(entry.msg, "A frame failed");
  assert.deepEqual(
    [entry.socket_id, entry.user_id, entry.group_id],
    ["s1", "u1", "g1"],
  );
  assert.ok(!Number.isNaN(Date.parse(entry.time)));
});

Deno.test("a log line never carries a token, a password or message text, whatever the caller passes", () => {
  const lines = capture({ format: "json" }, () => {
    log.info("oops", "careless caller", {
      token: "tok-secret",
      password: "hunter22",
      text: "private words",
      Authorization: "Bearer tok-secret",
    });
  });
  const line = lines[0].line;
  for (const secret of ["tok-secret", "hunter22", "private words"]) {
    assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
  }
  assert.equal(JSON.parse(line).token, "[redacted]");
});

Deno.test("an error is logged as its name, code and message, not the values it holds", () => {
  const err = new ChatError("unavailable", "The store is down", {}, {
    cause: new Error("connection refused"),
  });
  (err as unknown as { frame: unknown }).frame = { text: "private words" };
  const [{ line }] = capture({ format: "json" }, () => {
    log.error("http.unexpected", "Unexpected error", { err });
  });
  const entry = JSON.parse(line);
  assert.equal(entry.err.code, "unavailable");
  assert.equal(entry.err.message, "The store is down");
  assert.equal(entry.err.cause, "connection refused");
  assert.ok(!line.includes("private words"));
});

Deno.test("LOG_LEVEL drops the lines below it", () => {
  const lines = capture({ level: "warn" }, () => {
    log.debug("a", "debug");
    log.info("b", "info");
    log.warn("c", "warn");
    log.error("d", "error");
  });
  assert.deepEqual(lines.map((l) => l.level), ["warn", "error"]);
});

Deno.test("the default text format reads as a sentence with its event and fields after it", () => {
  const lines = capture({}, () => {
    log.info("server.listening", "Salvioris listening on http://localhost:1");
    log.warn("persistence.retry", "Store write failed", { backoff_ms: 200 });
    log.warn("bus.down", "No bus", { err: new Error("connection refused") });
  });
  assert.equal(lines[0].line, "Salvioris listening on http://localhost:1");
  assert.equal(
    lines[1].line,
    "WARN Store write failed (persistence.retry backoff_ms=200)",
  );
  assert.equal(
    lines[2].line,
    "WARN No bus: Error: connection refused (bus.down)",
  );
});

Deno.test("a JSON parse error is logged without the text it quotes", () => {
  let err: unknown;
  try {
    JSON.parse("private words that are not JSON");
  } catch (e) {
    err = e;
  }
  const [{ line }] = capture({ format: "json" }, () => {
    log.error("http.unexpected", "Unexpected error", { err });
  });
  assert.ok(!line.includes("private words"), line);
  assert.equal(JSON.parse(line).err.name, "SyntaxError");
});
