import assert from "node:assert/strict";
import {
  KeyedLimiter,
  TokenBucket,
  WindowCounter,
} from "../../lib/core/rate_limit.ts";
import { TypingTracker } from "../../gateway/typing.ts";

Deno.test("TokenBucket allows a burst, then answers how long to wait, then refills", () => {
  let now = 0;
  const bucket = new TokenBucket(3, 2, () => now);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
  assert.equal(bucket.take(), 500);
  now = 500;
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 500);
});

Deno.test("WindowCounter reports when hits in the window pass the limit", () => {
  let now = 0;
  const counter = new WindowCounter(2, 1000, () => now);
  assert.equal(counter.hit(), false);
  assert.equal(counter.hit(), false);
  assert.equal(counter.hit(), true);
  now = 1500;
  assert.equal(counter.hit(), false);
});

Deno.test("TypingTracker publishes a start once per interval and expires states not renewed", () => {
  const typing = new TypingTracker(10_000, 3_000);
  assert.equal(typing.start("g", 0), true);
  assert.equal(typing.start("g", 1_000), false, "renewed without republishing");
  assert.equal(typing.start("g", 3_000), true);
  assert.deepEqual(typing.expire(12_999), []);
  assert.deepEqual(typing.expire(13_000), ["g"]);
  assert.equal(typing.stop("g"), false, "already expired");
  typing.start("a", 0);
  typing.start("b", 0);
  assert.deepEqual(typing.clear().sort(), ["a", "b"]);
});

Deno.test("KeyedLimiter keeps one budget per key and forgets the least recently used past maxKeys", () => {
  let now = 0;
  const limiter = new KeyedLimiter(1, 1, 2, () => now);
  assert.equal(limiter.take("a"), 0);
  assert.equal(limiter.take("a"), 1000, "a's budget is spent");
  assert.equal(limiter.take("b"), 0, "b has its own");
  assert.equal(limiter.take("a"), 1000);
  assert.equal(limiter.take("c"), 0, "c pushes out b, the least recently used");
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take("b"), 0, "b starts afresh");
  assert.equal(limiter.take("c"), 1000, "c is still remembered");
  now = 1000;
  assert.equal(limiter.take("c"), 0, "and refills with time");
});
