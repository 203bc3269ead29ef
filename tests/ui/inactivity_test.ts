import assert from "node:assert/strict";
import { InactivityWatch } from "../../lib/ui/inactivity.ts";
import { FakeClock } from "./fakes.ts";

function tracker() {
  const clock = new FakeClock();
  const changes: boolean[] = [];
  const idle = new InactivityWatch({
    clock,
    idleAfterMs: 60_000,
    onChange: (v) => changes.push(v),
  });
  return { clock, changes, idle };
}

Deno.test("the reader becomes idle after the quiet period and active on the next input", () => {
  const { clock, changes, idle } = tracker();
  idle.start();
  clock.advance(59_999);
  assert.deepEqual(changes, []);
  clock.advance(1);
  assert.equal(idle.idle, true);
  idle.noteInput();
  assert.equal(idle.idle, false);
  assert.deepEqual(changes, [true, false]);
});

Deno.test("input keeps the reader active and reports nothing while nothing changes", () => {
  const { clock, changes, idle } = tracker();
  idle.start();
  for (let i = 0; i < 10; i++) {
    clock.advance(30_000);
    idle.noteInput();
  }
  assert.deepEqual(changes, []);
  assert.equal(idle.idle, false);
});

Deno.test("stop() clears the timer", () => {
  const { clock, changes, idle } = tracker();
  idle.start();
  idle.stop();
  assert.equal(clock.pending, 0);
  clock.advance(120_000);
  assert.deepEqual(changes, []);
});
