/** The store contract's cases for message history. */
import assert from "node:assert/strict";
import type { StoreCase } from "./_store_fixtures.ts";
import { message, messages, uid } from "./_store_fixtures.ts";

/** Registers the message history cases. */
export function messageCases(test: StoreCase): void {
  test("insertMessages() stores messages that messagesInRange() returns exactly", async (s) => {
    const g = uid("group");
    const plain = message(g, 1);
    const full = message(g, 2, {
      nonce: "nonce-2",
      edited_at: "2024-01-02T00:00:00.000Z",
      deleted: true,
      reactions: { "👍": ["user-a", "user-b"], "🎉": [] },
      text: 'naïve 漢字 🚀 "quoted" \n line',
    });
    await s.insertMessages([plain, full]);
    const [back1, back2] = await s.messagesInRange(g, 1, 2);
    assert.deepStrictEqual(back1, plain);
    assert.equal(back1.nonce, null);
    assert.ok(
      !("edited_at" in back1) && !("deleted" in back1) &&
        !("reactions" in back1),
    );
    assert.deepStrictEqual(back2, full);
  });

  test("insertMessages() re-inserting a stored message keeps one copy", async (s) => {
    const g = uid("group");
    await s.insertMessages(messages(g, 1, 3));
    await s.insertMessages(messages(g, 2, 4));
    assert.deepStrictEqual(
      await s.messagesInRange(g, 1, 10),
      messages(g, 1, 4),
    );
  });

  test("insertMessages() keeps the first message stored under a seq", async (s) => {
    const g = uid("group");
    const first = message(g, 1, { text: "first" });
    await s.insertMessages([first]);
    await s.insertMessages([
      message(g, 1, { id: "other", text: "second" }),
      message(g, 2),
    ]);
    assert.deepStrictEqual(await s.messagesInRange(g, 1, 2), [
      first,
      message(g, 2),
    ]);
  });

  test("insertMessages() keeps the first of two messages with one seq in a batch", async (s) => {
    const g = uid("group");
    const first = message(g, 1, { text: "first" });
    await s.insertMessages([
      first,
      message(g, 1, { id: "other", text: "second" }),
    ]);
    assert.deepStrictEqual(await s.messagesInRange(g, 1, 1), [first]);
  });

  test("insertMessages() stores a batch of 500 long messages in one call", async (s) => {
    const g = uid("group");
    // Two-byte characters at the 4000-char limit make the batch several megabytes.
    const batch = messages(g, 1, 500).map((m) => ({
      ...m,
      text: "漢".repeat(3999) + m.seq,
    }));
    await s.insertMessages(batch);
    assert.equal(await s.headSeq(g), 500);
    assert.deepStrictEqual(await s.messagesInRange(g, 1, 500), batch);
  });

  test("insertMessages() given an empty batch changes nothing", async (s) => {
    const g = uid("group");
    await s.insertMessages(messages(g, 1, 2));
    await s.insertMessages([]);
    assert.deepStrictEqual(await s.messagesInRange(g, 1, 9), messages(g, 1, 2));
  });

  test("messagesInRange() is inclusive, ascending and limited to its group", async (s) => {
    const [g, other] = [uid("group"), uid("group")];
    const ms = messages(g, 1, 6);
    await s.insertMessages([ms[4], ms[1], ms[5], ms[0], ms[3], ms[2]]);
    await s.insertMessages(messages(other, 1, 6));
    assert.deepStrictEqual(await s.messagesInRange(g, 2, 4), ms.slice(1, 4));
    assert.deepStrictEqual(await s.messagesInRange(g, 5, 5), [ms[4]]);
    assert.deepStrictEqual(await s.messagesInRange(g, 5, 99), ms.slice(4));
  });

  test("messagesInRange() answers an empty list for an empty or reversed range", async (s) => {
    const g = uid("group");
    await s.insertMessages(messages(g, 1, 3));
    assert.deepStrictEqual(await s.messagesInRange(g, 3, 2), []);
    assert.deepStrictEqual(await s.messagesInRange(g, 4, 9), []);
    assert.deepStrictEqual(await s.messagesInRange(uid("group"), 1, 9), []);
  });

  test("headSeq() answers 0 without messages and the highest stored seq after", async (s) => {
    const [g, other] = [uid("group"), uid("group")];
    assert.equal(await s.headSeq(g), 0);
    await s.insertMessages([message(g, 3), message(g, 12), message(g, 7)]);
    await s.insertMessages([message(other, 40)]);
    assert.equal(await s.headSeq(g), 12);
  });

  test("headSeqs() answers each group's headSeq(), 0 for a group without messages", async (s) => {
    assert.deepStrictEqual(await s.headSeqs([]), new Map());
    const [g, other, empty] = [uid("group"), uid("group"), uid("group")];
    await s.insertMessages([message(g, 3), message(g, 12), message(g, 7)]);
    await s.insertMessages([message(other, 40), message(other, 2)]);
    await s.insertMessages([message(uid("group"), 99)]);
    assert.deepStrictEqual(
      await s.headSeqs([g, empty, other, g]),
      new Map([[g, 12], [empty, 0], [other, 40]]),
    );
  });
}
