import assert from "node:assert/strict";
import {
  listenerCounts,
  membershipsOf,
  planSockets,
} from "../../bench/loadtest/plan.ts";

Deno.test("planSockets() gives every group the same number of listeners, from both instances", () => {
  const sockets = planSockets({
    users: 100,
    socketsPerUser: 5,
    groups: 20,
    groupsPerSocket: 2,
    senders: 20,
    instances: 2,
  });
  assert.equal(sockets.length, 500);
  assert.deepEqual(listenerCounts(sockets, 20), new Array(20).fill(50));
  for (let g = 0; g < 20; g++) {
    const on = new Set(
      sockets.filter((s) => s.groups.includes(g)).map((s) => s.instance),
    );
    assert.deepEqual([...on].sort(), [0, 1], `group ${g} spans both instances`);
  }
  const senders = sockets.filter((s) => s.sender);
  assert.equal(senders.length, 20);
  assert.equal(
    new Set(senders.flatMap((s) => s.groups)).size,
    20,
    "every group has a sender",
  );
});

Deno.test("membershipsOf() names each user's groups: those of all its sockets", () => {
  const sockets = planSockets({
    users: 2,
    socketsPerUser: 3,
    groups: 4,
    groupsPerSocket: 1,
    senders: 1,
    instances: 1,
  });
  const memberships = membershipsOf(sockets);
  assert.deepEqual([...memberships.get(0)!].sort(), [0, 1, 2]);
  assert.deepEqual([...memberships.get(1)!].sort(), [0, 1, 3]);
});
