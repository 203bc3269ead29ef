/**
 * Runs the store contract against a MongoDB-protocol server: the one `MONGODB_URI` names, or a
 * private FerretDB for this file. Each case gets a fresh database, dropped afterwards. Ignored
 * with a printed reason when neither is available, unless `REQUIRE_MONGO=1`.
 */
import { MongoClient } from "mongodb";
import { MongoStore } from "../../lib/store/mongo_store.ts";
import {
  mongoIgnore,
  sharedMongo,
  testDbName,
} from "../helpers/ferretdb_server.ts";
import { storeContract } from "./store_contract.ts";

if (mongoIgnore) {
  Deno.test({
    name: "mongo store: contract (needs MONGODB_URI or FerretDB)",
    ignore: true,
    fn: () => {},
  });
} else {
  storeContract("mongo", async () => {
    const server = await sharedMongo();
    const dbName = testDbName();
    const store = await MongoStore.open(server.uri, { dbName });
    const cleanup = async () => {
      await store.close();
      const client = new MongoClient(server.uri);
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
}
