/**
 * Runs the file-storage contract against MongoDB GridFS when `MONGODB_URI` is set, each case in
 * a fresh database that is dropped afterwards; otherwise one ignored test says why nothing ran.
 */
import { MongoClient } from "mongodb";
import { GridFsFiles } from "../../lib/files/gridfs_files.ts";
import { filesContract } from "./files_contract.ts";

const uri = Deno.env.get("MONGODB_URI");

if (uri) {
  filesContract("gridfs", async () => {
    const dbName = `salvioris_test_${
      crypto.randomUUID().replaceAll("-", "").slice(0, 16)
    }`;
    const files = await GridFsFiles.open(uri, { dbName });
    const cleanup = async () => {
      await files.close();
      const client = new MongoClient(uri);
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    };
    return { files, second: () => GridFsFiles.open(uri, { dbName }), cleanup };
  }, { sanitizeOps: false, sanitizeResources: false });
} else {
  console.log("gridfs files: contract ignored: MONGODB_URI is not set");
  Deno.test({
    name: "gridfs files: contract (needs MONGODB_URI)",
    ignore: true,
    fn: () => {},
  });
}
