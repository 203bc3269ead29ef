import assert from "node:assert/strict";
import { FailureThrottle } from "../../lib/core/failure_throttle.ts";

Deno.test("FailureThrottle blocks a key after `limit` failures until the oldest leaves the window", () => {
  let now = 1_000;
  const throttle = new FailureThrottle({
    limit: 3,
    windowMs: 10_000,
    now: () => now,
  });
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.blockedForMs("alice"), 0);
    throttle.fail("alice");
    now += 1_000;
  }
  // Failures at 1000, 2000, 3000; now 4000: free again at 11000.
  assert.equal(throttle.blockedForMs("alice"), 7_000);
  assert.equal(throttle.blockedForMs("bob"), 0, "other keys are not affected");
  now = 11_000;
  assert.equal(throttle.blockedForMs("alice"), 0);
});

Deno.test("FailureThrottle: a success clears the key's failures", () => {
  const throttle = new FailureThrottle({ limit: 2, windowMs: 60_000 });
  throttle.fail("alice");
  throttle.succeed("alice");
  throttle.fail("alice");
  assert.equal(throttle.blockedForMs("alice"), 0);
  throttle.fail("alice");
  assert.ok(throttle.blockedForMs("alice") > 0);
});

Deno.test("FailureThrottle forgets the least recently failed key past maxKeys", () => {
  const throttle = new FailureThrottle({
    limit: 1,
    windowMs: 60_000,
    maxKeys: 2,
  });
  throttle.fail("a");
  throttle.fail("b");
  throttle.fail("c");
  assert.equal(throttle.size, 2);
  assert.equal(throttle.blockedForMs("a"), 0);
  assert.ok(throttle.blockedForMs("c") > 0);
});

Deno.test("FailureThrottle: forgive takes back the latest failure", () => {
  const throttle = new FailureThrottle({ limit: 2, windowMs: 60_000 });
  throttle.fail("alice");
  throttle.fail("alice");
  assert.ok(throttle.blockedForMs("alice") > 0);
  throttle.forgive("alice");
  assert.equal(throttle.blockedForMs("alice"), 0);
});
