import assert from "node:assert/strict";
import { KvBus } from "../../lib/bus/kv_bus.ts";
import {
  groupHead,
  groupHeads,
  missedMessages,
} from "../../lib/core/history.ts";
import { historyPage } from "../../lib/core/history_pages.ts";
import type { CoreDeps } from "../../lib/core/deps.ts";
import { sendMessage } from "../../lib/core/messages.ts";
import { PersistenceProjector } from "../../lib/persistence/projector.ts";
import { MemoryPresence } from "../../lib/presence/memory_presence.ts";
import { KvStore } from "../../lib/store/kv_store.ts";

async function setup() {
  // One KV for the store and the embedded bus, as main.ts wires them.
  const kv = await Deno.openKv(":memory:");
  const store = KvStore.fromKv(kv);
  const bus = await KvBus.open(kv, { closeKv: false });
  const deps: CoreDeps = {
    store,
    bus,
    presence: new MemoryPresence(),
    instanceId: "t",
    now: Date.now,
  };
  const author = { id: "u1", username: "alice" };
  await store.createUser({
    ...author,
    password_hash: "x",
    created_at: new Date().toISOString(),
  });
  await store.createGroup({
    id: "g",
    name: "g",
    public: true,
    owner_id: "u1",
    created_at: new Date().toISOString(),
    invite_code: "c",
  });
  const send = (text: string) =>
    sendMessage(deps, author, { groupId: "g", text, nonce: null });
  return { kv, store, bus, deps, send, close: () => store.close() };
}

Deno.test("history pages agree on seq before the projector has written anything", async () => {
  const { deps, send, close } = await setup();
  for (let i = 1; i <= 5; i++) await send(`m${i}`);
  const page = await historyPage(deps, "g", { limit: 3 });
  assert.deepEqual(page.messages.map((m) => m.seq), [3, 4, 5]);
  assert.equal(page.has_more, true);
  await close();
});

Deno.test("missedMessages joins the store and the recovery buffer into one contiguous replay", async () => {
  const { deps, bus, store, send, close } = await setup();
  for (let i = 1; i <= 4; i++) await send(`m${i}`);
  const projector = new PersistenceProjector({ bus, store, consumer: "t" });
  await projector.drain();
  assert.equal(await store.headSeq("g"), 4);
  await send("m5");
  assert.deepEqual((await missedMessages(deps, "g", 1, 5))!.map((m) => m.seq), [
    2,
    3,
    4,
    5,
  ]);
  assert.equal(
    await missedMessages(deps, "g", 6, 5),
    null,
    "a since beyond the head",
  );
  await close();
});

Deno.test("a bus on a new KV file continues the seq from the store's head (need_floor)", async () => {
  const { deps, bus, store, send, close } = await setup();
  await send("a");
  await send("b");
  await new PersistenceProjector({ bus, store, consumer: "t" }).drain();
  // E.g. MongoDB holds the history and the bus's KV file is new.
  const freshBus = await KvBus.open(await Deno.openKv(":memory:"));
  const restarted: CoreDeps = { ...deps, bus: freshBus };
  const result = await sendMessage(restarted, { id: "u1", username: "alice" }, {
    groupId: "g",
    text: "c",
    nonce: null,
  });
  assert.equal(result.message.seq, 3);
  await freshBus.close();
  await close();
});

Deno.test("after a restart on the same KV file the seq continues from the bus's counter, not the store's lagging head", async () => {
  const { kv, deps, bus, store, send, close } = await setup();
  await send("a");
  await send("b");
  assert.equal(await store.headSeq("g"), 0, "nothing stored yet");
  await bus.close();
  const reopened = await KvBus.open(kv, { closeKv: false });
  const restarted: CoreDeps = { ...deps, bus: reopened };
  const result = await sendMessage(restarted, { id: "u1", username: "alice" }, {
    groupId: "g",
    text: "c",
    nonce: null,
  });
  assert.equal(result.message.seq, 3);
  await new PersistenceProjector({ bus: reopened, store, consumer: "t" })
    .drain();
  assert.deepEqual(
    (await store.messagesInRange("g", 1, 3)).map((m) => m.text),
    ["a", "b", "c"],
    "the hand-off kept what was sent before the restart",
  );
  await close();
});

Deno.test("the projector keeps a batch the store refused and writes it once the store is back", async () => {
  const { bus, store, send, close } = await setup();
  let failures = 2;
  // The real store, with upsertStates failing twice (fault injection, not a fake database).
  const flaky = new Proxy(store, {
    get(target, property) {
      if (property === "upsertStates") {
        return (messages: Parameters<KvStore["upsertStates"]>[0]) =>
          failures-- > 0
            ? Promise.reject(new Error("store down"))
            : target.upsertStates(messages);
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  await send("survives");
  const projector = new PersistenceProjector({
    bus,
    store: flaky,
    consumer: "t",
  });
  await projector.drain();
  assert.equal(failures, -1);
  assert.deepEqual(
    (await store.messagesInRange("g", 1, 1)).map((m) => m.text),
    ["survives"],
  );
  await close();
});

Deno.test("the projector moves each author's read position to their newest stored message", async () => {
  const { bus, store, send, close } = await setup();
  await send("one");
  await send("two");
  await new PersistenceProjector({ bus, store, consumer: "t" }).drain();
  assert.deepEqual(
    await store.reads.ofUser("u1", ["g"]),
    new Map([["g", 2]]),
  );
  await store.reads.advance("g", "u1", 5);
  await send("three");
  await new PersistenceProjector({ bus, store, consumer: "t" }).drain();
  assert.equal(
    (await store.reads.ofUser("u1", ["g"])).get("g"),
    5,
    "never moves back",
  );
  await close();
});

Deno.test("groupHeads answers what groupHead does: the bus's counter, else the store's head", async () => {
  const { deps, bus, store, send, close } = await setup();
  await send("a");
  await send("b");
  await new PersistenceProjector({ bus, store, consumer: "t" }).drain();
  await send("c");
  // A fresh bus has no counters: the store's head (2, "c" is not stored yet) answers.
  const freshBus = await KvBus.open(await Deno.openKv(":memory:"));
  const fresh: CoreDeps = { ...deps, bus: freshBus };
  for (const [d, head] of [[deps, 3], [fresh, 2]] as const) {
    const heads = await groupHeads(d, ["g", "empty", "g"]);
    assert.deepEqual(heads, new Map([["g", head], ["empty", 0]]));
    assert.equal(await groupHead(d, "g"), head);
    assert.equal(await groupHead(d, "empty"), 0);
  }
  assert.deepEqual(await groupHeads(deps, []), new Map());
  await freshBus.close();
  await close();
});
