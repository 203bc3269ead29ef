/**
 * Runs the store contract against a MongoDB-protocol server: the one `MONGODB_URI` names, or a
 * private FerretDB for this file. Each case gets a fresh database, dropped afterwards. Ignored
 * with a printed reason when neither is available, unless `REQUIRE_MONGO=1`.
 */
import { mongoIgnore } from "../helpers/ferretdb_server.ts";
import { freshMongoStore } from "./_mongo_store_fixture.ts";
import { storeContract } from "./store_contract.ts";

if (mongoIgnore) {
  Deno.test({
    name: "mongo store: contract (needs MONGODB_URI or FerretDB)",
    ignore: true,
    fn: () => {},
  });
} else {
  storeContract("mongo", async () => {
    const { store, dispose } = await freshMongoStore();
    return { store, cleanup: dispose };
  }, {
    // The driver's connection pool and monitors outlive a test by design; close() ends them,
    // but on its own schedule.
    sanitizeOps: false,
    sanitizeResources: false,
  });
}
