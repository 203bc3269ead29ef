/**
 * Runs the store contract against MongoDB when `MONGODB_URI` is set, each case in a fresh
 * database that is dropped afterwards; otherwise one ignored test says why nothing ran.
 */
import { MongoClient } from "mongodb";
import { MongoStore } from "../../lib/store/mongo_store.ts";
import { storeContract } from "./store_contract.ts";

const uri = Deno.env.get("MONGODB_URI");

if (uri) {
  storeContract("mongo", async () => {
    const dbName = `salvioris_test_${
      crypto.randomUUID().replaceAll("-", "").slice(0, 16)
    }`;
    const store = await MongoStore.open(uri, { dbName });
    const cleanup = async () => {
      await store.close();
      const client = new MongoClient(uri);
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    };
    return { store, cleanup };
  }, {
    // The driver's connection pool and monitors outlive a test by design; close() ends them,
    // but on its own schedule.
    sanitizeOps: false,
    sanitizeResources: false,
  });
} else {
  console.log("mongo store: contract ignored: MONGODB_URI is not set");
  Deno.test({
    name: "mongo store: contract (needs MONGODB_URI)",
    ignore: true,
    fn: () => {},
  });
}
