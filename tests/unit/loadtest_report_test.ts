import assert from "node:assert/strict";
import type { DriverResult, StepResult } from "../../bench/loadtest/driver.ts";
import { formatReport, type Run } from "../../bench/loadtest/report.ts";

function step(rate: number, cpu: number, p99: number): StepResult {
  return {
    rate,
    sent: rate,
    refused: 0,
    expected: rate * 100,
    delivered: rate * 100,
    lost: 0,
    duplicated: 0,
    deliveriesPerSec: rate * 100,
    latencyMs: { count: 1, p50: p99 / 2, p90: p99, p99, p999: p99, max: p99 },
    cpuMicrosPerDelivery: cpu,
    serverCores: 0.5,
    driverCores: 0.2,
  };
}

function result(kb: number, steps: StepResult[]): DriverResult {
  return {
    sockets: 1000,
    connectMs: 1,
    bytesPerSocket: kb * 1024,
    marginalBytesPerSocket: kb * 1024,
    connectCpuMicrosPerSocket: 100,
    refusedBy: {},
    rssBeforeBytes: 0,
    rssAfterBytes: kb * 1024 * 1000,
    steps,
  };
}

Deno.test("formatReport() puts Salvioris's ratio to Socket.IO beside the ratio to the bare ceiling", () => {
  const runs: Run[] = [
    { target: "salvioris", round: 1, result: result(40, [step(100, 30, 20)]) },
    { target: "bare", round: 1, result: result(20, [step(100, 10, 5)]) },
    { target: "socketio", round: 1, result: result(16, [step(100, 24, 10)]) },
  ];
  const report = formatReport(runs, { ramp: false, maxP99Ms: 250 });
  assert.match(
    report,
    /^\| socketio \| 100 \| 10000 \| 5\.0 \| 10\.0 \| 24\.0 \|/m,
  );
  assert.match(
    report,
    /bare 20\.0 KB \(ratio 2\.00\), socketio 16\.0 KB \(ratio 2\.50\)/,
  );
  assert.match(
    report,
    /at 100 msg\/s: CPU per delivery 3\.00× the bare ceiling, p99 4\.00×/,
  );
  assert.match(
    report,
    /at 100 msg\/s: CPU per delivery 1\.25× Socket\.IO's, p99 2\.00×/,
  );
});

Deno.test("formatReport() without a Socket.IO run names no Socket.IO figure", () => {
  const runs: Run[] = [
    { target: "salvioris", round: 1, result: result(40, [step(100, 30, 20)]) },
    { target: "bare", round: 1, result: result(20, [step(100, 10, 5)]) },
  ];
  assert.doesNotMatch(
    formatReport(runs, { ramp: true, maxP99Ms: 250 }),
    /socketio|Socket\.IO/,
  );
});
