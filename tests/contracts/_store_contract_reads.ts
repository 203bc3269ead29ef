/** The store contract's cases for read positions: the `store.reads` sub-port. */
import assert from "node:assert/strict";
import type { Store } from "../../lib/store/store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { group, uid, user } from "./_store_fixtures.ts";

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

/** Registers the read position cases. */
export function readCases(test: StoreCase): void {
  test("reads.advance() moves the position forward and answers it", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    assert.equal(await s.reads.advance(g.id, bob.id, 3), 3);
    assert.equal(await s.reads.advance(g.id, bob.id, 8), 8);
    assert.equal((await s.reads.ofUser(bob.id, [g.id])).get(g.id), 8);
  });

  test("reads.advance() given a lower position keeps the higher and answers it", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    await s.reads.advance(g.id, bob.id, 9);
    assert.equal(await s.reads.advance(g.id, bob.id, 4), 9);
    assert.equal(await s.reads.advance(g.id, bob.id, 9), 9);
    assert.equal((await s.reads.ofUser(bob.id, [g.id])).get(g.id), 9);
  });

  test("reads.advance() under concurrent calls keeps the highest position", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    const seqs = [5, 17, 2, 11, 16, 1, 9];
    await Promise.all(seqs.map((seq) => s.reads.advance(g.id, bob.id, seq)));
    assert.equal((await s.reads.ofUser(bob.id, [g.id])).get(g.id), 17);
  });

  test("reads.advance() keeps the highest of concurrent moves round after round, and answers at least each", async (s) => {
    // A store that applies updates as read-modify-write loses some of these (FerretDB 1.x did).
    const { g, bob } = await groupOfTwo(s);
    for (let round = 1; round <= 5; round++) {
      const base = round * 100;
      const seqs = [3, 9, 1, 7, 10, 2, 8, 5, 4, 6].map((n) => base + n);
      const answers = await Promise.all(
        seqs.map((seq) => s.reads.advance(g.id, bob.id, seq)),
      );
      answers.forEach((answer, i) => assert.ok(answer >= seqs[i]));
      assert.equal(
        (await s.reads.ofUser(bob.id, [g.id])).get(g.id),
        base + 10,
      );
      assert.equal((await s.reads.ofGroup(g.id)).get(bob.id), base + 10);
    }
  });

  test("reads.advance() for several groups and users at once moves each position to the highest asked of it", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    const h = group(ann.id);
    await s.createGroup(h);
    await s.reads.advance(h.id, ann.id, 30);
    const moves: Array<[string, string, number]> = [
      [g.id, ann.id, 4],
      [g.id, bob.id, 6],
      [h.id, ann.id, 12],
      [g.id, ann.id, 9],
      [g.id, bob.id, 2],
    ];
    const answers = await Promise.all(
      moves.map(([groupId, userId, seq]) =>
        s.reads.advance(groupId, userId, seq)
      ),
    );
    answers.forEach((answer, i) => assert.ok(answer >= moves[i][2]));
    assert.equal(answers[2], 30, "a lower position answers the stored one");
    assert.equal((await s.reads.ofUser(ann.id, [g.id])).get(g.id), 9);
    assert.equal((await s.reads.ofUser(ann.id, [h.id])).get(h.id), 30);
    assert.equal((await s.reads.ofUser(bob.id, [g.id])).get(g.id), 6);
  });

  test("reads.advance() refuses a position that is not a non-negative integer, changing nothing", async (s) => {
    const { g, bob } = await groupOfTwo(s);
    await s.reads.advance(g.id, bob.id, 2);
    for (const bad of [-1, 2.5, Number.NaN]) {
      await assert.rejects(s.reads.advance(g.id, bob.id, bad), TypeError);
    }
    assert.equal((await s.reads.ofUser(bob.id, [g.id])).get(g.id), 2);
  });

  test("reads.ofUser() answers the user's positions in the groups asked", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    const h = group(ann.id);
    const unread = group(ann.id);
    await s.createGroup(h);
    await s.createGroup(unread);
    await s.reads.advance(g.id, ann.id, 4);
    await s.reads.advance(h.id, ann.id, 7);
    await s.reads.advance(g.id, bob.id, 2);
    const seqs = await s.reads.ofUser(ann.id, [g.id, unread.id]);
    assert.equal(seqs.get(g.id), 4);
    assert.equal(seqs.get(unread.id) ?? 0, 0);
    assert.equal(seqs.has(h.id), false);
    assert.equal((await s.reads.ofUser(ann.id, [])).size, 0);
  });

  test("reads.ofGroup() answers every member's position in the group", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    const cy = user("cy");
    await s.createUser(cy);
    await s.addMember(g.id, cy.id);
    const other = group(ann.id);
    await s.createGroup(other);
    await s.reads.advance(g.id, ann.id, 6);
    await s.reads.advance(g.id, bob.id, 3);
    await s.reads.advance(other.id, ann.id, 50);
    const seqs = await s.reads.ofGroup(g.id);
    assert.equal(seqs.get(ann.id), 6);
    assert.equal(seqs.get(bob.id), 3);
    assert.equal(seqs.get(cy.id) ?? 0, 0);
    assert.equal((await s.reads.ofGroup(uid("group"))).size, 0);
  });

  test("reads.ofGroup() leaves out users who are no longer members", async (s) => {
    const { g, ann, bob } = await groupOfTwo(s);
    await s.reads.advance(g.id, ann.id, 5);
    await s.reads.advance(g.id, bob.id, 4);
    await s.removeMember(g.id, bob.id);
    assert.deepStrictEqual([...await s.reads.ofGroup(g.id)], [[ann.id, 5]]);
  });
}
