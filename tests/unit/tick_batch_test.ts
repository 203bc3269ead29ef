import assert from "node:assert/strict";
import { TickBatch } from "../../lib/tick_batch.ts";

Deno.test("TickBatch runs the calls of one tick as one batch and answers each its own result", async () => {
  const runs: number[][] = [];
  const batch = new TickBatch<number, string>((items) => {
    runs.push(items);
    return Promise.resolve(items.map((n) => `#${n}`));
  });
  const first = await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
  const later = await batch.add(4);
  assert.deepEqual(first, ["#1", "#2", "#3"]);
  assert.equal(later, "#4");
  assert.deepEqual(runs, [[1, 2, 3], [4]]);
});

Deno.test("TickBatch rejects every call of a batch that failed, and the next batch runs anew", async () => {
  let fail = true;
  const batch = new TickBatch<number, number>((items) =>
    fail ? Promise.reject(new Error("down")) : Promise.resolve(items)
  );
  const outcomes = await Promise.allSettled([batch.add(1), batch.add(2)]);
  assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "rejected"]);
  fail = false;
  assert.equal(await batch.add(5), 5);
});
