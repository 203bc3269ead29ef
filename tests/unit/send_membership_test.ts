import assert from "node:assert/strict";
import { KvBus } from "../../lib/bus/kv_bus.ts";
import type { CoreDeps } from "../../lib/core/deps.ts";
import { sendMessage } from "../../lib/core/messages.ts";
import { MemoryPresence } from "../../lib/presence/memory_presence.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { Store } from "../../lib/store/store.ts";

/** The real embedded store, with its membership reads counted and, when `down`, failing. */
async function setup() {
  const kv = await Deno.openKv(":memory:");
  const real = KvStore.fromKv(kv);
  const probe = { memberReads: 0, down: false };
  const store = new Proxy(real, {
    get(target, name, receiver) {
      if (name === "isMember") {
        return (groupId: string, userId: string) => {
          probe.memberReads++;
          if (probe.down) {
            return Promise.reject(new Error("store unreachable"));
          }
          return target.isMember(groupId, userId);
        };
      }
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  const deps: CoreDeps = {
    store,
    bus: await KvBus.open(kv, { closeKv: false }),
    presence: new MemoryPresence(),
    instanceId: "t",
    now: Date.now,
  };
  const created_at = new Date().toISOString();
  for (const id of ["alice", "mallory"]) {
    await real.createUser({ id, username: id, password_hash: "x", created_at });
  }
  await real.createGroup({
    id: "g",
    name: "g",
    public: true,
    owner_id: "alice",
    created_at,
    invite_code: "c",
  });
  await real.addMember("g", "alice");
  const send = (author: string, subscribed: boolean) =>
    sendMessage(deps, { id: author, username: author }, {
      groupId: "g",
      text: "hi",
      nonce: null,
      subscribed,
    });
  return { probe, send, deps, close: () => real.close() };
}

Deno.test("sendMessage() checks a sender without a subscription against the store: a non-member is forbidden and nothing is appended", async () => {
  const { probe, send, deps, close } = await setup();
  try {
    await assert.rejects(send("mallory", false), { code: "forbidden" });
    assert.equal(probe.memberReads, 1);
    assert.equal(await deps.bus.headSeq("g"), null, "nothing was ordered");
    const { message } = await send("alice", false);
    assert.equal(message.seq, 1);
    assert.equal(probe.memberReads, 2);
  } finally {
    await close();
  }
});

Deno.test("sendMessage() lets a subscribed socket's subscription vouch: no store read per message, and sending goes on while the store is unreachable", async () => {
  const { probe, send, close } = await setup();
  try {
    for (let i = 1; i <= 3; i++) {
      assert.equal((await send("alice", true)).message.seq, i);
    }
    probe.down = true;
    assert.equal((await send("alice", true)).message.seq, 4);
    assert.equal(probe.memberReads, 0);
    await assert.rejects(
      send("alice", false),
      "without a subscription the store must answer",
    );
  } finally {
    await close();
  }
});
