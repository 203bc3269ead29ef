/**
 * Removing files (§5) on real adapters (a KV store and a folder): deleting a message deletes its
 * files, bytes included, and sweeps by several instances at once remove each orphan once.
 */
import assert from "node:assert/strict";
import {
  deleteMessageFiles,
  sweepOrphanUploads,
} from "../../lib/core/attachment_cleanup.ts";
import {
  readableAttachment,
  sendWithAttachments,
  toAttachment,
} from "../../lib/core/attachments.ts";
import { FolderFiles } from "../../lib/files/folder_files.ts";
import type { Message } from "../../lib/protocol/types.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import type { StoredAttachment } from "../../lib/store/attachment_store.ts";
import { chunked, pattern } from "../contracts/files_contract.ts";
import { filesIn } from "../helpers/uploads.ts";

async function withAdapters(
  fn: (store: KvStore, files: FolderFiles, dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "salvioris_cleanup_" });
  const store = await KvStore.open(`${dir}/store.kv`);
  const files = await FolderFiles.open(`${dir}/attachments`);
  try {
    await fn(store, files, `${dir}/attachments`);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function stored(
  store: KvStore,
  files: FolderFiles,
  id: string,
  createdAt = new Date().toISOString(),
): Promise<StoredAttachment> {
  await files.write(id, chunked(pattern(2000)));
  const record: StoredAttachment = {
    id,
    group_id: "g",
    uploader_id: "ann",
    name: `${id}.bin`,
    content_type: "application/octet-stream",
    size: 2000,
    inline: false,
    created_at: createdAt,
    claimed_by: null,
    message_seq: null,
  };
  await store.attachments.create(record);
  return record;
}

Deno.test("deleteMessageFiles() removes a deleted message's files: records and bytes", async () => {
  await withAdapters(async (store, files, dir) => {
    const a = await stored(store, files, "a1");
    const b = await stored(store, files, "b1");
    const keep = await stored(store, files, "keep");
    const { message } = await sendWithAttachments(store, {
      groupId: "g",
      authorId: "ann",
      nonce: null,
      messageId: "m1",
      ids: [a.id, b.id],
    }, (attachments) =>
      Promise.resolve({
        message: { seq: 7, attachments } as Message,
      }));
    assert.equal(
      (await store.attachments.byIds([a.id]))[0].message_seq,
      7,
    );
    assert.equal(await deleteMessageFiles(store, files, message), 2);
    assert.deepStrictEqual(await filesIn(dir), [keep.id]);
    await assert.rejects(
      readableAttachment(store, { groupId: "g", id: a.id, userId: "ann" }),
      /No such attachment/,
    );
    // Deleting again (a retried delete) is harmless.
    assert.equal(await deleteMessageFiles(store, files, message), 0);
  });
});

Deno.test("a send that fails gives its uploads back for the next one", async () => {
  await withAdapters(async (store, files) => {
    const a = await stored(store, files, "a2");
    const input = {
      groupId: "g",
      authorId: "ann",
      nonce: null,
      messageId: "m1",
      ids: [a.id],
    };
    await assert.rejects(
      sendWithAttachments(
        store,
        input,
        () => Promise.reject(new Error("bus down")),
      ),
      /bus down/,
    );
    assert.equal((await store.attachments.byIds([a.id]))[0].claimed_by, null);
    const sent = await sendWithAttachments(
      store,
      { ...input, messageId: "m2" },
      (attachments) =>
        Promise.resolve({ message: { seq: 1, attachments } as Message }),
    );
    assert.deepStrictEqual(sent.message.attachments, [toAttachment(a)]);
  });
});

Deno.test("three instances sweeping at once remove each orphan exactly once and spare claimed uploads", async () => {
  await withAdapters(async (store, files, dir) => {
    const old = new Date(Date.now() - 25 * 3600_000).toISOString();
    for (let i = 0; i < 30; i++) await stored(store, files, `o${i}`, old);
    const claimed = await stored(store, files, "claimed", old);
    await store.attachments.claim([claimed.id], "m:x");
    const fresh = await stored(store, files, "fresh");
    // Separate handles on one KV file, as separate processes would have.
    const others = await Promise.all(
      [1, 2].map(() => KvStore.open(`${dir}/../store.kv`)),
    );
    try {
      const removed = await Promise.all(
        [store, ...others].map((s) => sweepOrphanUploads(s, files, Date.now())),
      );
      assert.equal(removed.reduce((a, b) => a + b, 0), 30);
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
    assert.deepStrictEqual(await filesIn(dir), [claimed.id, fresh.id].sort());
  });
});
