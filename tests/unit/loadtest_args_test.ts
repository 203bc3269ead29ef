import assert from "node:assert/strict";
import { parseLoadArgs, shapes, stepRates } from "../../bench/loadtest/args.ts";

Deno.test("parseLoadArgs() without flags is the issue's first row: 1,000 sockets in 10 groups at 100 msg/s", () => {
  const options = parseLoadArgs([]);
  assert.equal(options.shape, "one");
  assert.equal(options.users * options.socketsPerUser, 1000);
  assert.equal(options.groups, 10);
  assert.equal(options.rate, 100);
  assert.equal(options.ceiling, true);
  assert.deepEqual(stepRates(options), [100]);
});

Deno.test("parseLoadArgs() takes a shape and lets single flags override it, with = or a space", () => {
  const options = parseLoadArgs([
    "--shape",
    "two",
    "--rate=50",
    "--sockets-per-user",
    "2",
    "--no-ceiling",
  ]);
  assert.equal(options.instances, shapes.two.instances);
  assert.equal(options.groupsPerSocket, 2);
  assert.equal(options.rate, 50);
  assert.equal(options.socketsPerUser, 2);
  assert.equal(options.ceiling, false);
});

Deno.test("parseLoadArgs() refuses unknown flags and shapes, non-numbers and numbers out of bounds", () => {
  assert.throws(
    () => parseLoadArgs(["--sockets", "5"]),
    /Unknown flag --sockets/,
  );
  assert.throws(() => parseLoadArgs(["--shape", "huge"]), /Unknown shape huge/);
  assert.throws(
    () => parseLoadArgs(["--rate", "fast"]),
    /--rate fast is not a number/,
  );
  assert.throws(() => parseLoadArgs(["--duration", "3600"]), /out of bounds/);
  assert.throws(() => parseLoadArgs(["--users", "1.5"]), /not a number/);
  assert.throws(() => parseLoadArgs(["--rate"]), /--rate needs a value/);
  assert.throws(() => parseLoadArgs(["stray"]), /Unexpected argument: stray/);
});

Deno.test("parseLoadArgs() bounds the whole run: total sockets, senders and groups must fit", () => {
  assert.throws(
    () => parseLoadArgs(["--users", "5000", "--sockets-per-user", "100"]),
    /Too many sockets: 500000/,
  );
  assert.throws(
    () =>
      parseLoadArgs([
        "--users",
        "2",
        "--sockets-per-user",
        "2",
        "--senders",
        "5",
      ]),
    /More senders/,
  );
});

Deno.test("parseLoadArgs() targets only loopback URLs, and their count sets the instances", () => {
  const options = parseLoadArgs([
    "--url",
    "http://127.0.0.1:8000/,http://localhost:8001",
    "--pids",
    "12,13",
  ]);
  assert.deepEqual(options.urls, [
    "http://127.0.0.1:8000",
    "http://localhost:8001",
  ]);
  assert.deepEqual(options.pids, [12, 13]);
  assert.equal(options.instances, 2);
  assert.throws(
    () => parseLoadArgs(["--url", "http://example.com:8000"]),
    /not loopback/,
  );
  assert.throws(() => parseLoadArgs(["--url", "nonsense"]), /not a URL/);
});

Deno.test("stepRates() ramps by the factor for the given number of steps", () => {
  const options = parseLoadArgs([
    "--shape",
    "max",
    "--rate",
    "100",
    "--ramp",
    "2",
    "--ramp-steps",
    "4",
  ]);
  assert.deepEqual(stepRates(options), [100, 200, 400, 800]);
});

Deno.test("parseLoadArgs() passes V8 flags to started instances only in the --flag=value form", () => {
  assert.equal(
    parseLoadArgs(["--v8-flags", "--max-semi-space-size=2"]).v8Flags,
    "--max-semi-space-size=2",
  );
  assert.throws(
    () => parseLoadArgs(["--v8-flags", "--x; rm -rf /"]),
    /expected --flag/,
  );
});

Deno.test("parseLoadArgs() adds the Socket.IO target only with --socketio", () => {
  assert.equal(parseLoadArgs([]).socketio, false);
  const options = parseLoadArgs(["--shape", "two", "--socketio"]);
  assert.equal(options.socketio, true);
  assert.equal(
    options.instances,
    2,
    "as many Socket.IO instances as the shape",
  );
});

Deno.test("parseLoadArgs() keeps one instance on the KV bus unless --redis asks for a private Redis", () => {
  assert.equal(parseLoadArgs([]).redis, false);
  const options = parseLoadArgs(["--redis", "--rate", "50"]);
  assert.equal(options.redis, true);
  assert.equal(options.instances, 1);
  assert.equal(options.rate, 50);
});
