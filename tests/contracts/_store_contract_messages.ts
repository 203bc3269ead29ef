/** The store contract's cases for message history and read positions. */
import assert from "node:assert/strict";
import type { Store } from "../../lib/store/store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { group, message, messages, uid, user } from "./_store_fixtures.ts";

/** A group with owner ann and member bob. */
async function groupOfTwo(s: Store) {
  const [ann, bob] = [user("ann"), user("bob")];
  await s.createUser(ann);
  await s.createUser(bob);
  const g = group(ann.id);
  await s.createGroup(g);
  await s.addMember(g.id, bob.id);
  return { g, ann, bob };
}

/** Registers the message history and read position cases. */
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

  test("setReadSeq() moves the position forward and answers it", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    assert.equal(await s.setReadSeq(g.id, bob.id, 3), 3);
    assert.equal(await s.setReadSeq(g.id, bob.id, 8), 8);
    assert.equal((await s.readSeqsOfUser(bob.id, [g.id])).get(g.id), 8);
  });

  test("setReadSeq() given a lower position keeps the higher and answers it", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    await s.setReadSeq(g.id, bob.id, 9);
    assert.equal(await s.setReadSeq(g.id, bob.id, 4), 9);
    assert.equal(await s.setReadSeq(g.id, bob.id, 9), 9);
    assert.equal((await s.readSeqsOfUser(bob.id, [g.id])).get(g.id), 9);
  });

  test("setReadSeq() under concurrent calls keeps the highest position", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    const seqs = [5, 17, 2, 11, 16, 1, 9];
    await Promise.all(seqs.map((seq) => s.setReadSeq(g.id, bob.id, seq)));
    assert.equal((await s.readSeqsOfUser(bob.id, [g.id])).get(g.id), 17);
  });

  test("setReadSeq() keeps the highest of concurrent moves round after round, and answers at least each", async (s) => {
    // A store that applies updates as read-modify-write loses some of these (FerretDB 1.x did).
    const { g, bob } = await groupOfTwo(s);
    for (let round = 1; round <= 5; round++) {
      const base = round * 100;
      const seqs = [3, 9, 1, 7, 10, 2, 8, 5, 4, 6].map((n) => base + n);
      const answers = await Promise.all(
        seqs.map((seq) => s.setReadSeq(g.id, bob.id, seq)),
      );
      answers.forEach((answer, i) => assert.ok(answer >= seqs[i]));
      assert.equal(
        (await s.readSeqsOfUser(bob.id, [g.id])).get(g.id),
        base + 10,
      );
      assert.equal((await s.readSeqsOfGroup(g.id)).get(bob.id), base + 10);
    }
  });

  test("setReadSeq() for several groups and users at once moves each position to the highest asked of it", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    const h = group(ann.id);
    await s.createGroup(h);
    await s.setReadSeq(h.id, ann.id, 30);
    const moves: Array<[string, string, number]> = [
      [g.id, ann.id, 4],
      [g.id, bob.id, 6],
      [h.id, ann.id, 12],
      [g.id, ann.id, 9],
      [g.id, bob.id, 2],
    ];
    const answers = await Promise.all(
      moves.map(([groupId, userId, seq]) => s.setReadSeq(groupId, userId, seq)),
    );
    answers.forEach((answer, i) => assert.ok(answer >= moves[i][2]));
    assert.equal(answers[2], 30, "a lower position answers the stored one");
    assert.equal((await s.readSeqsOfUser(ann.id, [g.id])).get(g.id), 9);
    assert.equal((await s.readSeqsOfUser(ann.id, [h.id])).get(h.id), 30);
    assert.equal((await s.readSeqsOfUser(bob.id, [g.id])).get(g.id), 6);
  });

  test("readSeqsOfUser() answers the user's positions in the groups asked", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    const h = group(ann.id);
    const unread = group(ann.id);
    await s.createGroup(h);
    await s.createGroup(unread);
    await s.setReadSeq(g.id, ann.id, 4);
    await s.setReadSeq(h.id, ann.id, 7);
    await s.setReadSeq(g.id, bob.id, 2);
    const seqs = await s.readSeqsOfUser(ann.id, [g.id, unread.id]);
    assert.equal(seqs.get(g.id), 4);
    assert.equal(seqs.get(unread.id) ?? 0, 0);
    assert.equal(seqs.has(h.id), false);
    assert.equal((await s.readSeqsOfUser(ann.id, [])).size, 0);
  });

  test("readSeqsOfGroup() answers every member's position in the group", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    const cy = user("cy");
    await s.createUser(cy);
    await s.addMember(g.id, cy.id);
    const other = group(ann.id);
    await s.createGroup(other);
    await s.setReadSeq(g.id, ann.id, 6);
    await s.setReadSeq(g.id, bob.id, 3);
    await s.setReadSeq(other.id, ann.id, 50);
    const seqs = await s.readSeqsOfGroup(g.id);
    assert.equal(seqs.get(ann.id), 6);
    assert.equal(seqs.get(bob.id), 3);
    assert.equal(seqs.get(cy.id) ?? 0, 0);
    assert.equal((await s.readSeqsOfGroup(uid("group"))).size, 0);
  });

  test("readSeqsOfGroup() leaves out users who are no longer members", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    await s.setReadSeq(g.id, ann.id, 5);
    await s.setReadSeq(g.id, bob.id, 4);
    await s.removeMember(g.id, bob.id);
    assert.deepStrictEqual([...await s.readSeqsOfGroup(g.id)], [[ann.id, 5]]);
  });
}
