/** The store contract's cases for the event-sourced projection: monotonic states, event index. */
import assert from "node:assert/strict";
import type { StoredEvent } from "../../lib/store/store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { message, uid } from "./_store_fixtures.ts";

/** Registers the projection cases. */
export function eventCases(test: StoreCase): void {
  test("upsertStates() writes a state only over a lower rev (monotonic, idempotent)", async (s) => {
    const g = uid("group");
    const v2 = message(g, 1, { text: "v2", rev: 2 });
    await s.upsertStates([v2]);
    await s.upsertStates([message(g, 1, { text: "v1", rev: 1 })]);
    await s.upsertStates([message(g, 1, { text: "v2 again", rev: 2 })]);
    assert.deepStrictEqual(await s.messagesInRange(g, 1, 1), [v2]);
    const v5 = message(g, 1, {
      text: "v5",
      rev: 5,
      edited_at: "2024-01-02T00:00:00.000Z",
    });
    await s.upsertStates([v5, message(g, 1, { text: "v3", rev: 3 })]);
    assert.deepStrictEqual(await s.messagesInRange(g, 1, 1), [v5]);
    assert.equal(await s.headSeq(g), 1);
  });

  test("upsertStates() writes every newer state of a batch that also holds stale ones", async (s) => {
    const g = uid("group");
    await s.upsertStates([
      message(g, 1, { rev: 5 }),
      message(g, 3, { rev: 7 }),
    ]);
    // A re-delivered batch: stale copies of 1 and 3 between new states of 2 and 4.
    await s.upsertStates([
      message(g, 1, { rev: 5, text: "stale" }),
      message(g, 2, { rev: 6 }),
      message(g, 3, { rev: 2, text: "stale" }),
      message(g, 4, { rev: 8 }),
    ]);
    const stored = await s.messagesInRange(g, 1, 4);
    assert.deepStrictEqual(stored.map((m) => [m.seq, m.rev]), [
      [1, 5],
      [2, 6],
      [3, 7],
      [4, 8],
    ]);
    assert.ok(stored.every((m) => m.text !== "stale"));
  });

  test("upsertStates() replaces the whole message: a deletion erases text and reactions", async (s) => {
    const g = uid("group");
    await s.insertMessages([message(g, 1, { text: "legacy, no rev" })]);
    await s.upsertStates([
      message(g, 1, {
        text: "secret",
        rev: 3,
        reactions: { "👍": ["u1"] },
        mentions: ["u2"],
      }),
    ]);
    const tomb = message(g, 1, { text: "", deleted: true, rev: 4 });
    await s.upsertStates([tomb]);
    const [stored] = await s.messagesBySeqs(g, [1]);
    assert.deepStrictEqual(stored, tomb);
    assert.ok(!JSON.stringify(stored).includes("secret"));
  });

  test("messagesBySeqs() answers the stored messages among the seqs", async (s) => {
    const g = uid("group");
    await s.upsertStates([1, 2, 3].map((seq) => message(g, seq, { rev: seq })));
    const got = await s.messagesBySeqs(g, [3, 1, 9]);
    assert.deepStrictEqual(got.map((m) => m.seq).sort(), [1, 3]);
    assert.deepStrictEqual(await s.messagesBySeqs(g, []), []);
    assert.deepStrictEqual(await s.messagesBySeqs(uid("other"), [1]), []);
  });

  test("insertEvents() keeps each group's index; eventsAfter() pages it by rev; headRev() is the top", async (s) => {
    const g = uid("group");
    const other = uid("group");
    const ev = (rev: number, seq: number, group = g): StoredEvent => ({
      group_id: group,
      rev,
      seq,
      kind: rev === seq ? "message" : "message_update",
    });
    assert.equal(await s.headRev(g), 0);
    await s.insertEvents([ev(3, 1), ev(1, 1), ev(2, 2), ev(1, 1, other)]);
    await s.insertEvents([ev(2, 2), ev(4, 2)]);
    assert.deepStrictEqual(await s.eventsAfter(g, 0, 10), [
      ev(1, 1),
      ev(2, 2),
      ev(3, 1),
      ev(4, 2),
    ]);
    assert.deepStrictEqual(await s.eventsAfter(g, 1, 2), [ev(2, 2), ev(3, 1)]);
    assert.deepStrictEqual(await s.eventsAfter(g, 4, 10), []);
    assert.equal(await s.headRev(g), 4);
    assert.equal(await s.headRev(other), 1);
  });

  test("insertEvents() refuses a rev or seq that is not a positive integer, writing nothing", async (s) => {
    const g = uid("group");
    const good: StoredEvent = { group_id: g, rev: 1, seq: 1, kind: "message" };
    for (const bad of [{ rev: 0 }, { rev: 2, seq: 0 }, { rev: 2, seq: 1.5 }]) {
      await assert.rejects(
        s.insertEvents([good, { ...good, ...bad }]),
        TypeError,
      );
    }
    assert.deepStrictEqual(await s.eventsAfter(g, 0, 10), []);
  });
}
