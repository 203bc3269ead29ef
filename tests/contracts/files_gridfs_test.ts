/**
 * Runs the file-storage contract against GridFS on a MongoDB-protocol server (the one
 * `MONGODB_URI` names, or a private FerretDB for this file), each case in a fresh database that
 * is dropped afterwards, and checks GridFS's own collections after deletes, failed writes and
 * sweeps. Ignored with a printed reason when neither is available, unless `REQUIRE_MONGO=1`.
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import {
  deleteMessageFiles,
  sweepOrphanUploads,
} from "../../lib/core/attachment_cleanup.ts";
import { toAttachment } from "../../lib/core/attachments.ts";
import { GridFsFiles } from "../../lib/files/gridfs_files.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import { attachment } from "./_store_contract_attachments.ts";
import { chunked, filesContract, pattern } from "./files_contract.ts";
import {
  mongoIgnore,
  mongoTest,
  sharedMongo,
  testDbName,
} from "../helpers/ferretdb_server.ts";

const driverOwned = { sanitizeOps: false, sanitizeResources: false };

async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

if (mongoIgnore) {
  Deno.test({
    name: "gridfs files: contract (needs MONGODB_URI or FerretDB)",
    ignore: true,
    fn: () => {},
  });
} else {
  filesContract("gridfs", async () => {
    const { uri } = await sharedMongo();
    const dbName = testDbName();
    const files = await GridFsFiles.open(uri, { dbName });
    const cleanup = async () => {
      await files.close();
      await dropDatabase(uri, dbName);
    };
    return { files, second: () => GridFsFiles.open(uri, { dbName }), cleanup };
  }, driverOwned);

  mongoTest(
    "gridfs files: deletes, failed writes, message deletion and sweeps leave no document in fs.files or fs.chunks",
    async () => {
      const { uri } = await sharedMongo();
      const dbName = testDbName();
      const files = await GridFsFiles.open(uri, { dbName });
      const client = new MongoClient(uri);
      const store = await KvStore.open(":memory:");
      const docsOf = async (id: string) => {
        const db = client.db(dbName);
        return await db.collection("fs.files").countDocuments({
          _id: id as never,
        }) +
          await db.collection("fs.chunks").countDocuments({ files_id: id });
      };
      try {
        const kept = attachment();
        const sent = attachment();
        const orphan = {
          ...attachment(),
          created_at: "2020-01-01T00:00:00.000Z",
        };
        for (const a of [kept, sent, orphan]) {
          await files.write(a.id, chunked(pattern(600_000), 50_000));
          await store.attachments.create(a);
        }
        assert.ok(
          await docsOf(sent.id) > 2,
          "a 600 KB file spans several chunks",
        );
        await store.attachments.claim([kept.id, sent.id], "m:1");
        assert.equal(
          await deleteMessageFiles(store, files, {
            attachments: [toAttachment(sent)],
          }),
          1,
        );
        assert.equal(await sweepOrphanUploads(store, files, Date.now()), 1);
        assert.equal(await docsOf(sent.id), 0);
        assert.equal(await docsOf(orphan.id), 0);
        assert.ok(await docsOf(kept.id) > 0);

        const failed = attachment().id;
        let sentOnce = false;
        await assert.rejects(files.write(
          failed,
          new ReadableStream({
            pull(c) {
              if (sentOnce) return c.error(new Error("cut"));
              c.enqueue(pattern(800_000));
              sentOnce = true;
            },
          }),
        ));
        assert.equal(await docsOf(failed), 0);
      } finally {
        await store.close();
        await files.close();
        await client.close();
        await dropDatabase(uri, dbName);
      }
    },
  );
}
