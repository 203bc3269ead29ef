import assert from "node:assert/strict";
import { WorkGate } from "../../lib/core/work_gate.ts";
import { ChatError } from "../../lib/protocol/errors.ts";

/** A task that runs until its `finish` is called. */
function heldTask() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => finish = resolve);
  return { task: () => done, finish };
}

Deno.test("WorkGate runs at most `concurrency` tasks and queues the next ones in order", async () => {
  const gate = new WorkGate({ concurrency: 2, queueLimit: 2 });
  const held = [heldTask(), heldTask(), heldTask(), heldTask()];
  const order: number[] = [];
  const runs = held.map((h, i) =>
    gate.run(async () => {
      order.push(i);
      await h.task();
    })
  );
  await Promise.resolve();
  assert.equal(gate.running, 2);
  assert.equal(gate.waiting, 2);
  assert.deepEqual(order, [0, 1]);
  held[1].finish();
  await runs[1];
  await Promise.resolve();
  assert.deepEqual(order, [0, 1, 2]);
  assert.equal(gate.running, 2);
  held.forEach((h) => h.finish());
  await Promise.all(runs);
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.equal(gate.running, 0);
  assert.equal(gate.waiting, 0);
});

Deno.test("WorkGate refuses a task past the queue with unavailable and retry_after_ms", async () => {
  const gate = new WorkGate({ concurrency: 1, queueLimit: 1 });
  const held = heldTask();
  const first = gate.run(held.task);
  const second = gate.run(() => Promise.resolve("queued"));
  let ran = false;
  await assert.rejects(
    gate.run(() => {
      ran = true;
      return Promise.resolve();
    }),
    (err: ChatError) =>
      err.code === "unavailable" && err.details.retry_after_ms! > 0,
  );
  assert.equal(ran, false, "a refused task never runs");
  held.finish();
  await first;
  assert.equal(await second, "queued");
});

Deno.test("WorkGate frees the slot of a task that throws", async () => {
  const gate = new WorkGate({ concurrency: 1, queueLimit: 0 });
  await assert.rejects(
    gate.run(() => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.equal(await gate.run(() => Promise.resolve(7)), 7);
  assert.equal(gate.running, 0);
});
