import assert from "node:assert/strict";
import { KvBus } from "../../lib/bus/kv_bus.ts";

Deno.test("KvBus appends to many groups at once without refusing any: each append has its own hand-off entry", async () => {
  const kv = await Deno.openKv(":memory:");
  const bus = await KvBus.open(kv);
  try {
    const groups = Array.from({ length: 60 }, (_, i) => `g${i}`);
    const outcomes = await Promise.all(
      groups.flatMap((g) =>
        [1, 2].map((n) =>
          bus.append({
            id: `${g}-${n}`,
            group_id: g,
            author: { id: "u", username: "u" },
            text: `${n}`,
            nonce: null,
            created_at: new Date().toISOString(),
          }, { floorSeq: 0 })
        )
      ),
    );
    assert.ok(outcomes.every((o) => o.status === "appended"));
    const entries = await bus.readHandoff("c", 1000, 0);
    assert.equal(entries.length, 120, "every message is handed off once");
    assert.equal(new Set(entries.map((e) => e.id)).size, 120);
    for (const g of groups) {
      const seqs = entries.filter((e) => e.event.group_id === g).map((e) =>
        e.event.seq
      );
      assert.deepEqual(seqs, [1, 2], `${g} in seq order in the hand-off`);
    }
  } finally {
    await bus.close();
  }
});
