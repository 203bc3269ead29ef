import assert from "node:assert/strict";
import { median, percentile, summarize } from "../../bench/loadtest/stats.ts";

Deno.test("percentile() takes the nearest rank: always a real sample, never an interpolation", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile(sorted, 0.1), 1);
  assert.equal(percentile([7], 99.9), 7);
  assert.equal(percentile([1, 2, 3], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
});

Deno.test("percentile() of no samples is NaN, and a percentile outside (0, 100] is refused", () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
});

Deno.test("summarize() sorts a copy and reports count, p50, p90, p99, p99.9 and max", () => {
  const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i);
  const summary = summarize(samples);
  assert.deepEqual(summary, {
    count: 1000,
    p50: 500,
    p90: 900,
    p99: 990,
    p999: 999,
    max: 1000,
  });
  assert.equal(samples[0], 1000, "the samples themselves stay unsorted");
});

Deno.test("median() of rounds takes the middle value, averages an even pair and skips NaN", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});
