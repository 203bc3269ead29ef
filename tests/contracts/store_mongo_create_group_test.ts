/**
 * `createGroup` on MongoDB writes two documents without a transaction (FerretDB 1.x has none, nor
 * has a standalone MongoDB): the owner's membership, then the group. A process that dies between
 * the two leaves only the membership; this simulates exactly that first write and checks that the
 * store stays sound: no ownerless group, nothing listed that its owner cannot open.
 */
import assert from "node:assert/strict";
import { collections } from "../../lib/store/_mongo_names.ts";
import { mongoTest } from "../helpers/ferretdb_server.ts";
import { withMongoStore } from "./_mongo_store_fixture.ts";
import { group, user } from "./_store_fixtures.ts";

mongoTest(
  "mongo createGroup(): a crash after the owner's membership and before the group leaves the owner's groups intact and lists nothing",
  async () => {
    await withMongoStore(async ({ store, db }) => {
      const owner = user("owner");
      await store.createUser(owner);
      const kept = group(owner.id, { public: true, minute: 1 });
      await store.createGroup(kept);

      // The first write of createGroup, as the adapter makes it, and then the process "dies".
      const lost = group(owner.id, { public: true, minute: 2 });
      await db.collection(collections.memberships).insertOne({
        group_id: lost.id,
        user_id: owner.id,
        joined_at: new Date(),
      });

      assert.equal(await store.groupById(lost.id), null);
      assert.deepStrictEqual(await store.groupsOfUser(owner.id), [kept]);
      assert.deepStrictEqual(await store.publicGroups(10), [kept]);

      const later = group(owner.id, { minute: 3 });
      await store.createGroup(later);
      assert.deepStrictEqual(await store.groupsOfUser(owner.id), [
        kept,
        later,
      ]);
      assert.deepStrictEqual(await store.memberIds(later.id), [owner.id]);
    });
  },
);

mongoTest(
  "mongo createGroup(): an id taken by another group is refused and leaves neither owner a stray membership",
  async () => {
    await withMongoStore(async ({ store }) => {
      const [ann, bob] = [user("ann"), user("bob")];
      await store.createUser(ann);
      await store.createUser(bob);
      const first = group(ann.id);
      await store.createGroup(first);

      await assert.rejects(
        store.createGroup({ ...first, owner_id: bob.id, name: "imposter" }),
        /exists/,
      );
      assert.deepStrictEqual(await store.groupById(first.id), first);
      assert.deepStrictEqual(await store.memberIds(first.id), [ann.id]);
      assert.deepStrictEqual(await store.groupsOfUser(bob.id), []);
    });
  },
);
