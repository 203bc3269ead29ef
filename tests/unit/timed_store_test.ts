import assert from "node:assert/strict";
import { scrape } from "../../lib/metrics/metrics.ts";
import { timedStore } from "../../lib/metrics/timed_store.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import { parseScrape, valueOf } from "../helpers/prometheus.ts";

const count = async (op: string) =>
  valueOf(
    parseScrape(await scrape()),
    "salvioris_store_operation_seconds_count",
    { op },
  );

Deno.test("timedStore() times a port method under its name and a sub-port's as attachments.<name>", async () => {
  const store = await KvStore.open(":memory:");
  try {
    const timed = timedStore(store);
    const before = [await count("headSeq"), await count("attachments.byIds")];
    assert.equal(await timed.headSeq("no-group"), 0);
    assert.deepStrictEqual(await timed.attachments.byIds(["none"]), []);
    assert.deepStrictEqual(await timed.attachments.byIds([]), []);
    assert.equal(await count("headSeq"), before[0] + 1);
    assert.equal(await count("attachments.byIds"), before[1] + 2);
  } finally {
    await store.close();
  }
});
