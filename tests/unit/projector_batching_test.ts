import assert from "node:assert/strict";
import { KvBus } from "../../lib/bus/kv_bus.ts";
import { PersistenceProjector } from "../../lib/persistence/projector.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { Store } from "../../lib/store/store.ts";

/** The real embedded store, counting its `upsertStates` commits (one per batch). */
async function setup() {
  const kv = await Deno.openKv(":memory:");
  const real = KvStore.fromKv(kv);
  const batches: number[] = [];
  const store = new Proxy(real, {
    get(target, name, receiver) {
      if (name === "upsertStates") {
        return (states: Parameters<Store["upsertStates"]>[0]) => {
          batches.push(states.length);
          return target.upsertStates(states);
        };
      }
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  const bus = await KvBus.open(kv, { closeKv: false });
  let n = 0;
  const append = () =>
    bus.append({
      id: `m${++n}`,
      group_id: "g",
      author: { id: "u", username: "u" },
      text: `${n}`,
      nonce: null,
      created_at: new Date().toISOString(),
    }, { floorSeq: 0 });
  return { real, store, bus, batches, append };
}

Deno.test("the projector lets messages that arrive while it lingers gather into one batch, and stores them all", async () => {
  const { real, store, bus, batches, append } = await setup();
  const projector = new PersistenceProjector({
    bus,
    store,
    consumer: "c",
    lingerMs: 500,
  });
  projector.start();
  try {
    await append();
    while (projector.written < 1) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 9; i++) await append();
    await projector.stop();
    assert.deepEqual(
      batches,
      [1, 9],
      "the nine that came during the linger went together",
    );
    const stored = await real.messagesInRange("g", 1, 10);
    assert.deepEqual(stored.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  } finally {
    await bus.close();
    await real.close();
  }
});

Deno.test("the projector without a linger reads again at once", async () => {
  const { real, store, bus, batches, append } = await setup();
  const projector = new PersistenceProjector({
    bus,
    store,
    consumer: "c",
    lingerMs: 0,
  });
  projector.start();
  try {
    for (let i = 0; i < 3; i++) {
      await append();
      while (projector.written < i + 1) {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    await projector.stop();
    assert.deepEqual(batches, [1, 1, 1]);
  } finally {
    await bus.close();
    await real.close();
  }
});
