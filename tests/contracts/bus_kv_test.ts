/**
 * Runs the bus contract against the embedded bus on Deno KV: one bus per KV file (its events are
 * delivered in-process), a reopen closes the file and opens it again. Then what only the KV bus
 * shows: another writer of the same file, its key prefix, a handle that stops working, a merged
 * commit refused for one of its appends.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { KvBus } from "../../lib/bus/kv_bus.ts";
import type { Bus } from "../../lib/bus/bus.ts";
import { ChatError } from "../../lib/protocol/errors.ts";
import { tempKvPath } from "../helpers/server_process.ts";
import { busContract } from "./bus_contract.ts";
import { append, draft, range, uid } from "./_bus_fixtures.ts";

const claimIdleMs = 300;

busContract("kv", {
  multiInstance: false,
  claimIdleMs,
  make: async (_n, options) => {
    const path = await tempKvPath();
    const open = async () =>
      await KvBus.open(await Deno.openKv(path), { claimIdleMs, ...options });
    const buses: Bus[] = [await open()];
    return {
      buses,
      cleanup: async () => {
        await Promise.all(buses.map((bus) => bus.close()));
        await Deno.remove(dirname(path), { recursive: true });
      },
      reopen: async (bus) => {
        await bus.close();
        const again = await open();
        buses.push(again);
        return again;
      },
    };
  },
});

/** Opens a bus on a fresh KV file and disposes of both, pass or fail. */
async function withFile(
  fn: (path: string, open: () => Promise<KvBus>) => Promise<void>,
): Promise<void> {
  const path = await tempKvPath();
  const opened: KvBus[] = [];
  const open = async () => {
    const bus = await KvBus.open(await Deno.openKv(path), { claimIdleMs });
    opened.push(bus);
    return bus;
  };
  try {
    await fn(path, open);
  } finally {
    await Promise.all(opened.map((bus) => bus.close()));
    await Deno.remove(dirname(path), { recursive: true });
  }
}

Deno.test("kv bus: two buses writing one file never give a seq or a nonce twice", async () => {
  await withFile(async (_path, open) => {
    const [a, b] = [await open(), await open()];
    const g = uid("group");
    await append(a, draft(g));
    // Each bus remembers its own view of the counter: the versionstamp check catches the other.
    // Every nonce is sent twice at once, once through each bus.
    const sent = await Promise.all(
      range(2, 101).map((i) =>
        append(i % 2 ? a : b, draft(g, { nonce: `n${Math.floor(i / 2)}` }))
      ),
    );
    const byNonce = new Map(sent.map((m) => [m.nonce, m.id]));
    assert.equal(byNonce.size, 50);
    for (const m of sent) assert.equal(byNonce.get(m.nonce), m.id);
    const seqs = [...new Set(sent.map((m) => m.seq))].toSorted((x, y) => x - y);
    assert.deepStrictEqual(seqs, range(2, 51), "one seq per nonce, no gap");
    const handed = await a.readHandoff("persister", 1000, 0);
    assert.deepStrictEqual(
      handed.map((e) => e.event.seq).toSorted((x, y) => x - y),
      range(1, 51),
      "one hand-off entry per message",
    );
  });
});

Deno.test("kv bus: every key it writes starts with salvioris/bus", async () => {
  await withFile(async (path, open) => {
    const bus = await open();
    await append(bus, draft(uid("group"), { nonce: "n" }));
    const kv = await Deno.openKv(path);
    try {
      const keys = [];
      for await (const entry of kv.list({ prefix: [] })) keys.push(entry.key);
      assert.ok(keys.length >= 5, "counter, nonce, buffer, hand-off, count");
      assert.deepStrictEqual(
        keys.filter((k) => k[0] !== "salvioris" || k[1] !== "bus"),
        [],
      );
    } finally {
      kv.close();
    }
  });
});

Deno.test("kv bus: a KV handle closed underneath makes calls fail with unavailable", async () => {
  const kv = await Deno.openKv(":memory:");
  const bus = await KvBus.open(kv, { closeKv: false });
  kv.close();
  const unavailable = (err: unknown) =>
    err instanceof ChatError && err.code === "unavailable";
  await assert.rejects(bus.append(draft(uid("group"))), unavailable);
  await assert.rejects(bus.recent("g", 0), unavailable);
  await assert.rejects(bus.readHandoff("p", 10, 0), unavailable);
  assert.equal(await bus.healthy(), false);
  await bus.close();
});

Deno.test("kv bus: appends merged into one commit refuse only the one whose nonce was used", async () => {
  await withFile(async (_path, open) => {
    const bus = await open();
    const groups = range(1, 10).map(() => uid("group"));
    const firsts = [];
    for (const g of groups) {
      firsts.push(await append(bus, draft(g, { nonce: "n" })));
    }
    // The first commits alone; the others wait for it and go together, the repeat among them.
    const outcomes = await Promise.all(
      groups.map((g, i) =>
        bus.append(draft(g, { nonce: i === 5 ? "n" : "m" }))
      ),
    );
    assert.deepStrictEqual(outcomes[5], {
      status: "duplicate",
      message: firsts[5],
    });
    for (const [i, outcome] of outcomes.entries()) {
      if (i === 5) continue;
      assert.equal(outcome.status === "appended" && outcome.message.seq, 2);
    }
    const handed = await bus.readHandoff("persister", 1000, 0);
    assert.equal(handed.length, 19, "10 firsts and 9 seconds, nothing else");
  });
});
