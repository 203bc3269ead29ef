/**
 * `leaveGroup` of an owner on MongoDB writes several documents without a transaction: the
 * transfer (an `owners` document), the heir's role, then the removal of the leaver's membership.
 * A process that dies after the transfer leaves the old owner a member; this simulates exactly
 * that first write and checks that the group still has one owner who is a member, and that the
 * old owner's next leave is a plain one.
 */
import assert from "node:assert/strict";
import { collections } from "../../lib/store/_mongo_names.ts";
import { mongoTest } from "../helpers/ferretdb_server.ts";
import { withMongoStore } from "./_mongo_store_fixture.ts";
import { group, user } from "./_store_fixtures.ts";

mongoTest(
  "mongo leaveGroup(): a crash after the transfer and before the removal leaves the heir owning the group and the old owner a member who can still leave",
  async () => {
    await withMongoStore(async ({ store, db }) => {
      const [owner, heir] = [user("owner"), user("heir")];
      await store.createUser(owner);
      await store.createUser(heir);
      const g = group(owner.id, { public: true });
      await store.createGroup(g);
      await store.addMember(g.id, heir.id);

      // The first write of the owner's leave, as the adapter makes it, and then the process "dies".
      await db.collection(collections.owners).insertOne({
        group_id: g.id,
        rev: 1,
        user_id: heir.id,
      });

      assert.equal((await store.groupById(g.id))?.owner_id, heir.id);
      assert.equal((await store.publicGroups(10))[0]?.owner_id, heir.id);
      assert.equal((await store.groupsOfUser(owner.id))[0]?.owner_id, heir.id);
      // Still stored as `owner`; the core reads a stored owner who is not owner_id as a member.
      assert.equal(await store.roleOf(g.id, owner.id), "owner");

      assert.deepEqual(await store.leaveGroup(g.id, owner.id), { left: true });
      assert.equal((await store.groupById(g.id))?.owner_id, heir.id);
      assert.deepEqual(await store.memberIds(g.id), [heir.id]);
    });
  },
);
