/**
 * Expired sessions do not pile up in MongoDB: on MongoDB itself a TTL index removes them; where
 * the server has no TTL indexes (FerretDB 1.x) the adapter deletes them itself when a session is
 * created, at most once a minute per process. Reads never return them either way (contract).
 */
import assert from "node:assert/strict";
import { collections } from "../../lib/store/_mongo_names.ts";
import { mongoTest } from "../helpers/ferretdb_server.ts";
import { withMongoStore } from "./_mongo_store_fixture.ts";
import { user } from "./_store_fixtures.ts";

function session(userId: string, expiresInMs: number) {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    user_id: userId,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + expiresInMs).toISOString(),
  };
}

mongoTest(
  "mongo sessions: expired ones are removed by a TTL index, or else by the adapter's sweep",
  async () => {
    await withMongoStore(async ({ store, db }) => {
      const sessions = db.collection(collections.sessions);
      const indexes = await sessions.listIndexes().toArray();
      const expiry = indexes.find((i) => "expires_at_date" in i.key);
      assert.ok(expiry, "an index on expires_at_date");
      if (expiry.expireAfterSeconds !== undefined) {
        // MongoDB removes them itself, on its own schedule (about a minute).
        assert.equal(expiry.expireAfterSeconds, 0);
        return;
      }
      const owner = user("sessions");
      await store.createUser(owner);
      // Written straight to the collection, so no sweep has run after it.
      await sessions.insertOne({
        ...session(owner.id, -60_000),
        token_hash: "hash-old",
        expires_at_date: new Date(Date.now() - 60_000),
      });
      await store.createSession("hash-new", session(owner.id, 60_000));
      assert.equal(
        await sessions.countDocuments({ token_hash: "hash-old" }),
        0,
      );
      assert.equal(
        await sessions.countDocuments({ token_hash: "hash-new" }),
        1,
      );
    });
  },
);
