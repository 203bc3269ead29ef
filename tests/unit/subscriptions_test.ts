import assert from "node:assert/strict";
import {
  applySubscription,
  emptySubscriptions,
} from "../../lib/projections/subscriptions.ts";

Deno.test("subscriptions: the first local listener of a group gains it, the last one loses it", () => {
  const state = emptySubscriptions();
  applySubscription(state, {
    type: "opened",
    connection_id: "c1",
    user_id: "u1",
  });
  applySubscription(state, {
    type: "opened",
    connection_id: "c2",
    user_id: "u2",
  });
  assert.deepEqual(
    applySubscription(state, {
      type: "subscribed",
      connection_id: "c1",
      group_id: "g",
    }).gained,
    ["g"],
  );
  assert.deepEqual(
    applySubscription(state, {
      type: "subscribed",
      connection_id: "c2",
      group_id: "g",
    }).gained,
    [],
  );
  assert.deepEqual(
    applySubscription(state, {
      type: "unsubscribed",
      connection_id: "c1",
      group_id: "g",
    }).lost,
    [],
  );
  assert.deepEqual(
    applySubscription(state, {
      type: "unsubscribed",
      connection_id: "c2",
      group_id: "g",
    }).lost,
    ["g"],
  );
  assert.equal(state.listeners.size, 0);
});

Deno.test("subscriptions: closing a connection removes every link it held", () => {
  const state = emptySubscriptions();
  applySubscription(state, {
    type: "opened",
    connection_id: "c1",
    user_id: "u1",
  });
  applySubscription(state, {
    type: "subscribed",
    connection_id: "c1",
    group_id: "a",
  });
  applySubscription(state, {
    type: "subscribed",
    connection_id: "c1",
    group_id: "b",
  });
  const change = applySubscription(state, {
    type: "closed",
    connection_id: "c1",
  });
  assert.deepEqual(change.lost.sort(), ["a", "b"]);
  assert.equal(state.users.size, 0);
  assert.equal(state.groupsOf.size, 0);
});

Deno.test("subscriptions: member_left unlinks only that user's connections", () => {
  const state = emptySubscriptions();
  applySubscription(state, {
    type: "opened",
    connection_id: "c1",
    user_id: "u1",
  });
  applySubscription(state, {
    type: "opened",
    connection_id: "c2",
    user_id: "u1",
  });
  applySubscription(state, {
    type: "opened",
    connection_id: "c3",
    user_id: "u2",
  });
  for (const c of ["c1", "c2", "c3"]) {
    applySubscription(state, {
      type: "subscribed",
      connection_id: c,
      group_id: "g",
    });
  }
  const change = applySubscription(state, {
    type: "member_left",
    user_id: "u1",
    group_id: "g",
  });
  assert.deepEqual(change.removed.map((r) => r.connection_id).sort(), [
    "c1",
    "c2",
  ]);
  assert.deepEqual([...state.listeners.get("g")!], ["c3"]);
});

Deno.test("subscriptions: unknown connections and repeated events change nothing", () => {
  const state = emptySubscriptions();
  assert.deepEqual(
    applySubscription(state, {
      type: "subscribed",
      connection_id: "x",
      group_id: "g",
    }),
    {
      gained: [],
      lost: [],
      removed: [],
    },
  );
  applySubscription(state, {
    type: "opened",
    connection_id: "c1",
    user_id: "u1",
  });
  applySubscription(state, {
    type: "subscribed",
    connection_id: "c1",
    group_id: "g",
  });
  assert.deepEqual(
    applySubscription(state, {
      type: "subscribed",
      connection_id: "c1",
      group_id: "g",
    }).gained,
    [],
  );
  assert.deepEqual(
    applySubscription(state, { type: "closed", connection_id: "nope" }).lost,
    [],
  );
});
