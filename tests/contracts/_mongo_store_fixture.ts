/**
 * A `MongoStore` on a fresh database of the test file's shared server, with a raw client on the
 * same server for what a test reads or writes behind the store's back; disposal drops the database.
 */
import { type Db, MongoClient } from "mongodb";
import {
  MongoStore,
  type MongoStoreOptions,
} from "../../lib/store/mongo_store.ts";
import { sharedMongo, testDbName } from "../helpers/ferretdb_server.ts";

/** A fresh store, its database through a raw client, and their disposal. */
export interface FreshMongoStore {
  store: MongoStore;
  /** The store's database, reached past the store. */
  db: Db;
  /** Closes the store and the client, dropping the database; safe to call once. */
  dispose(): Promise<void>;
}

/** Opens a store on a new database (with `options`, say an `onCommand` to record). */
export async function freshMongoStore(
  options: Omit<MongoStoreOptions, "dbName"> = {},
): Promise<FreshMongoStore> {
  const server = await sharedMongo();
  const dbName = testDbName();
  const store = await MongoStore.open(server.uri, { ...options, dbName });
  const client = new MongoClient(server.uri);
  return {
    store,
    db: client.db(dbName),
    dispose: async () => {
      await store.close();
      await client.db(dbName).dropDatabase().catch(() => {});
      await client.close();
    },
  };
}

/** Runs `fn` on a fresh store, disposing of it however `fn` ends. */
export async function withMongoStore(
  fn: (fresh: FreshMongoStore) => Promise<void>,
  options: Omit<MongoStoreOptions, "dbName"> = {},
): Promise<void> {
  const fresh = await freshMongoStore(options);
  try {
    await fn(fresh);
  } finally {
    await fresh.dispose();
  }
}
