/** Runs the store contract against Deno KV, in memory and shared by two handles on one file. */
import assert from "node:assert/strict";
import { KvStore } from "../../lib/store/kv_store.ts";
import { storeContract } from "./store_contract.ts";
import { group, message, messages, user } from "./_store_fixtures.ts";

storeContract("kv", async () => {
  const store = await KvStore.open(":memory:");
  return { store, cleanup: () => store.close() };
});

Deno.test("kv store: two stores on one file see each other's writes and store a racing batch once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "salvioris_kv_" });
  const a = await KvStore.open(`${dir}/store.kv`);
  const b = await KvStore.open(`${dir}/store.kv`);
  try {
    const ann = {
      id: "user-ann",
      username: "Ann",
      password_hash: "h",
      created_at: new Date().toISOString(),
    };
    assert.equal(await a.createUser(ann), true);
    assert.deepStrictEqual(await b.userByName("ann"), ann);
    assert.equal(
      await b.createUser({ ...ann, id: "user-ann-2", username: "ANN" }),
      false,
    );

    // Each batch differs in text, so the stored history shows which writer won every seq.
    const fromA = messages("g", 1, 300).map((m) => ({
      ...m,
      text: `a ${m.seq}`,
    }));
    const fromB = messages("g", 1, 300).map((m) => ({
      ...m,
      text: `b ${m.seq}`,
    }));
    await Promise.all([a.insertMessages(fromA), b.insertMessages(fromB)]);
    const stored = await a.messagesInRange("g", 1, 300);
    assert.deepStrictEqual(
      stored.map((m) => m.seq),
      messages("g", 1, 300).map((m) => m.seq),
    );
    stored.forEach((m, i) =>
      assert.ok(m.text === fromA[i].text || m.text === fromB[i].text)
    );
    assert.deepStrictEqual(await b.messagesInRange("g", 1, 300), stored);

    await Promise.all([a.insertMessages(fromA), b.insertMessages(fromA)]);
    assert.deepStrictEqual(await b.messagesInRange("g", 1, 300), stored);
    await b.insertMessages([message("g", 301)]);
    assert.equal(await a.headSeq("g"), 301);
  } finally {
    await a.close();
    await b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv store: updateGroup() of different fields at once keeps every change", async () => {
  // Not in the shared contract: FerretDB 1.x loses one of two concurrent updates of a document
  // (see mongo_store.ts updateGroup); MongoDB applies each `$set` atomically.
  const s = await KvStore.open(":memory:");
  try {
    const owner = user("owner");
    await s.createUser(owner);
    const g = group(owner.id, { public: false });
    await s.createGroup(g);
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        s.updateGroup(g.id, { name: `name ${round}` }),
        s.updateGroup(g.id, { description: `about ${round}` }),
        s.updateGroup(g.id, { invite_code: `code ${round}` }),
      ]);
      const stored = await s.groupById(g.id);
      assert.equal(stored?.name, `name ${round}`);
      assert.equal(stored?.description, `about ${round}`);
      assert.equal(stored?.invite_code, `code ${round}`);
    }
  } finally {
    await s.close();
  }
});
