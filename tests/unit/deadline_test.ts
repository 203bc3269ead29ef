import assert from "node:assert/strict";
import { withDeadline } from "../../lib/core/deadline.ts";

Deno.test("withDeadline answers the work's result when it settles in time", async () => {
  assert.equal(
    await withDeadline(Promise.resolve("done"), 1000, () => "late"),
    "done",
  );
  await assert.rejects(
    withDeadline(Promise.reject(new Error("boom")), 1000, () => "late"),
    /boom/,
  );
});

Deno.test("withDeadline answers onTimeout() when the work hangs, leaving no timer behind", async () => {
  const never = new Promise<string>(() => {});
  assert.equal(await withDeadline(never, 10, () => "late"), "late");
});
