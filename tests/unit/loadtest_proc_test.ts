import assert from "node:assert/strict";
import {
  cpuMicros,
  parseCpuTicks,
  parseRssBytes,
  rssBytes,
} from "../../bench/loadtest/proc.ts";

Deno.test("parseCpuTicks() adds utime and stime, even when the command name holds spaces and ')'", () => {
  const stat =
    "4242 (deno) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 1500 250 0 0 20 0 9 0 100 1000000 5000";
  assert.equal(parseCpuTicks(stat), 1750);
  assert.throws(() => parseCpuTicks("garbage"), /no command name/);
  assert.throws(
    () => parseCpuTicks("1 (x) S 1 2"),
    /utime or stime is missing/,
  );
});

Deno.test("parseRssBytes() reads VmRSS in kB as bytes", () => {
  const status =
    "Name:\tdeno\nVmPeak:\t  900 kB\nVmRSS:\t   51200 kB\nThreads:\t9\n";
  assert.equal(parseRssBytes(status), 51200 * 1024);
  assert.throws(() => parseRssBytes("Name:\tdeno\n"), /VmRSS is missing/);
});

Deno.test("cpuMicros() and rssBytes() read this very process: CPU grows with work, memory is resident", () => {
  const before = cpuMicros(Deno.pid);
  const until = performance.now() + 60;
  let spin = 0;
  while (performance.now() < until) spin++;
  assert.ok(spin > 0);
  assert.ok(cpuMicros(Deno.pid) > before, "50 ms of spinning shows up");
  assert.ok(rssBytes(Deno.pid) > 1024 * 1024);
});
