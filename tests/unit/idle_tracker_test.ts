/** Idle presence on one instance: only changes of a user's state are told, and nothing leaks. */
import assert from "node:assert/strict";
import { IdleTracker } from "../../gateway/idle.ts";

Deno.test("IdleTracker tells idle once every reporting socket of the user is idle", () => {
  const idle = new IdleTracker();
  assert.equal(idle.report("ann", "phone", true), true);
  assert.equal(idle.report("ann", "phone", true), null, "no repeat");
  assert.equal(idle.report("ann", "laptop", false), false);
  assert.equal(idle.report("ann", "laptop", true), true);
  assert.equal(idle.report("bob", "tab", false), null, "active is the default");
});

Deno.test("IdleTracker tells a change when a closing socket was the only active one", () => {
  const idle = new IdleTracker();
  idle.report("ann", "phone", true);
  assert.equal(idle.report("ann", "laptop", false), false);
  assert.equal(idle.forget("ann", "laptop"), true);
  assert.equal(idle.forget("ann", "unknown"), null);
});

Deno.test("IdleTracker forgets a user with their last reporting socket, telling nothing", () => {
  const idle = new IdleTracker();
  idle.report("ann", "phone", true);
  idle.report("bob", "tab", false);
  assert.equal(idle.forget("ann", "phone"), null);
  assert.equal(idle.forget("bob", "tab"), null);
  assert.equal(idle.size, 0);
  assert.equal(idle.report("ann", "phone", true), true, "a new start");
});
