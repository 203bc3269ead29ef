/** Store contract cases for attachment records (§5): create, claim, release, sweep, delete. */
import assert from "node:assert/strict";
import type { StoredAttachment } from "../../lib/store/attachment_store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { uid } from "./_store_fixtures.ts";

/** An unclaimed upload created `minute` minutes after a fixed epoch. */
export function attachment(
  opts: { minute?: number; groupId?: string; image?: boolean } = {},
): StoredAttachment {
  return {
    id: uid("att").slice(0, 40),
    group_id: opts.groupId ?? "group-1",
    uploader_id: "user-ann",
    name: "photo.png",
    content_type: opts.image ? "image/png" : "application/pdf",
    size: 1234,
    inline: opts.image ?? false,
    ...(opts.image ? { width: 640, height: 480 } : {}),
    created_at: new Date(Date.UTC(2024, 0, 1, 0, opts.minute ?? 0))
      .toISOString(),
    claimed_by: null,
    message_seq: null,
  };
}

export function attachmentCases(test: StoreCase): void {
  test("attachments.create() stores a record that attachments.byIds() returns exactly, in the asked order", async (s) => {
    const a = attachment({ image: true });
    const b = attachment();
    await s.attachments.create(a);
    await s.attachments.create(b);
    assert.deepStrictEqual(await s.attachments.byIds([b.id, "nope", a.id]), [
      b,
      a,
    ]);
  });

  test("attachments.claim() is all or none: one claimed elsewhere or missing fails the whole claim", async (s) => {
    const [a, b, c] = [attachment(), attachment(), attachment()];
    for (const x of [a, b, c]) await s.attachments.create(x);
    assert.equal(await s.attachments.claim([b.id], "msg-1"), null);
    assert.equal(await s.attachments.claim([a.id, b.id], "msg-2"), b.id);
    assert.equal(
      await s.attachments.claim([c.id, "missing"], "msg-2"),
      "missing",
    );
    const [ra, rb, rc] = await s.attachments.byIds([a.id, b.id, c.id]);
    assert.equal(ra.claimed_by, null);
    assert.equal(rb.claimed_by, "msg-1");
    assert.equal(rc.claimed_by, null);
  });

  test("claiming again with the same claimant succeeds (a retried send)", async (s) => {
    const a = attachment();
    await s.attachments.create(a);
    assert.equal(await s.attachments.claim([a.id], "nonce-1"), null);
    assert.equal(await s.attachments.claim([a.id], "nonce-1"), null);
    assert.equal(await s.attachments.claim([a.id], "nonce-2"), a.id);
  });

  test("of many racing claims for one upload exactly one wins", async (s) => {
    const a = attachment();
    const b = attachment();
    await s.attachments.create(a);
    await s.attachments.create(b);
    const results = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) =>
          s.attachments.claim(i % 2 ? [a.id, b.id] : [b.id, a.id], `m${i}`),
      ),
    );
    assert.ok(results.filter((r) => r === null).length <= 1);
    const stored = await s.attachments.byIds([a.id, b.id]);
    // Whoever holds one holds both: no claim is ever half applied.
    assert.equal(stored[0].claimed_by, stored[1].claimed_by);
  });

  test("a sweep racing a claim never lets both win", async (s) => {
    for (let i = 0; i < 5; i++) {
      const a = attachment();
      await s.attachments.create(a);
      const [claim, swept] = await Promise.all([
        s.attachments.claim([a.id], "msg-1"),
        s.attachments.delete(a.id, { onlyUnclaimed: true }),
      ]);
      const claimed = claim === null;
      assert.notEqual(claimed, swept, "exactly one of claim and sweep wins");
      assert.equal((await s.attachments.byIds([a.id])).length, claimed ? 1 : 0);
    }
  });

  test("attachments.release() undoes only its claimant's claim", async (s) => {
    const a = attachment();
    await s.attachments.create(a);
    await s.attachments.claim([a.id], "msg-1");
    await s.attachments.release([a.id], "msg-2");
    assert.equal((await s.attachments.byIds([a.id]))[0].claimed_by, "msg-1");
    await s.attachments.release([a.id], "msg-1");
    assert.equal((await s.attachments.byIds([a.id]))[0].claimed_by, null);
    assert.equal(await s.attachments.claim([a.id], "msg-3"), null);
  });

  test("attachments.setSeq() records the carrying message's seq", async (s) => {
    const a = attachment();
    await s.attachments.create(a);
    await s.attachments.claim([a.id], "msg-1");
    await s.attachments.setSeq([a.id], 42);
    assert.equal((await s.attachments.byIds([a.id]))[0].message_seq, 42);
  });

  test("attachments.unclaimed() lists unclaimed records created before a time, oldest first", async (s) => {
    const old1 = attachment({ minute: 1 });
    const old2 = attachment({ minute: 2 });
    const claimed = attachment({ minute: 3 });
    const fresh = attachment({ minute: 30 });
    for (const x of [old2, fresh, claimed, old1]) await s.attachments.create(x);
    await s.attachments.claim([claimed.id], "msg-1");
    const before = new Date(Date.UTC(2024, 0, 1, 0, 10)).toISOString();
    assert.deepStrictEqual(
      (await s.attachments.unclaimed(before, 10)).map((a) => a.id),
      [old1.id, old2.id],
    );
    assert.equal((await s.attachments.unclaimed(before, 1)).length, 1);
    await s.attachments.release([claimed.id], "msg-1");
    assert.deepStrictEqual(
      (await s.attachments.unclaimed(before, 10)).map((a) => a.id),
      [old1.id, old2.id, claimed.id],
    );
  });

  test("attachments.delete() with onlyUnclaimed spares a claimed record; without, deletes it", async (s) => {
    const a = attachment({ minute: 1 });
    await s.attachments.create(a);
    await s.attachments.claim([a.id], "msg-1");
    assert.equal(
      await s.attachments.delete(a.id, { onlyUnclaimed: true }),
      false,
    );
    assert.equal((await s.attachments.byIds([a.id])).length, 1);
    assert.equal(await s.attachments.delete(a.id), true);
    assert.equal(await s.attachments.delete(a.id), false);
    assert.deepStrictEqual(await s.attachments.byIds([a.id]), []);
    const b = attachment({ minute: 2 });
    await s.attachments.create(b);
    assert.equal(
      await s.attachments.delete(b.id, { onlyUnclaimed: true }),
      true,
    );
    const later = new Date(Date.UTC(2025, 0, 1)).toISOString();
    assert.deepStrictEqual(await s.attachments.unclaimed(later, 10), []);
  });
}
