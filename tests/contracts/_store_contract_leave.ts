/** The store contract's cases for `leaveGroup`: a group keeps exactly one owner member. */
import assert from "node:assert/strict";
import type { Store, StoredGroup } from "../../lib/store/store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { group, user } from "./_store_fixtures.ts";

/** A group owned by a new user, with new users joining after in the order named. */
async function groupWith(s: Store, ...joiners: string[]) {
  const ids: Record<string, string> = {};
  for (const name of ["owner", ...joiners]) {
    const u = user(name);
    await s.createUser(u);
    ids[name] = u.id;
  }
  const g = group(ids.owner, { public: true });
  await s.createGroup(g);
  for (const name of joiners) await s.addMember(g.id, ids[name]);
  return { g, ids };
}

/** The owner as every reader sees it: `owner_id`, a member whose role is `owner`. */
async function assertOwner(s: Store, g: StoredGroup, ownerId: string) {
  assert.equal((await s.groupById(g.id))?.owner_id, ownerId);
  assert.equal(await s.roleOf(g.id, ownerId), "owner");
  const listed = (await s.publicGroups(100)).find((l) => l.id === g.id);
  assert.equal(listed?.owner_id, ownerId, "publicGroups shows the owner");
  const mine = (await s.groupsOfUser(ownerId)).find((m) => m.id === g.id);
  assert.equal(mine?.owner_id, ownerId, "groupsOfUser shows the owner");
}

/** Registers the leave cases. */
export function leaveCases(test: StoreCase): void {
  test("leaveGroup() of a member removes only that membership; leaving twice changes nothing", async (s) => {
    const { g, ids } = await groupWith(s, "bob", "carol");
    assert.deepEqual(await s.leaveGroup(g.id, ids.bob), { left: true });
    assert.equal(await s.isMember(g.id, ids.bob), false);
    assert.deepEqual(await s.groupsOfUser(ids.bob), []);
    assert.deepEqual(await s.leaveGroup(g.id, ids.bob), { left: false });
    await assertOwner(s, g, ids.owner);
    assert.equal(await s.isMember(g.id, ids.carol), true);
  });

  test("leaveGroup() of the owner passes ownership to the longest-standing admin, not an older member", async (s) => {
    const { g, ids } = await groupWith(s, "member", "admin1", "admin2");
    await s.setRole(g.id, ids.admin2, "admin");
    await s.setRole(g.id, ids.admin1, "admin");
    assert.deepEqual(await s.leaveGroup(g.id, ids.owner), {
      left: true,
      newOwner: ids.admin1,
    });
    await assertOwner(s, g, ids.admin1);
    assert.equal(await s.roleOf(g.id, ids.owner), null);
    assert.deepEqual(await s.groupsOfUser(ids.owner), []);
    assert.equal(await s.roleOf(g.id, ids.admin2), "admin");
    assert.equal(await s.roleOf(g.id, ids.member), "member");
  });

  test("leaveGroup() of the owner with no admin passes ownership to the oldest membership, and on again", async (s) => {
    const { g, ids } = await groupWith(s, "first", "second", "third");
    assert.equal((await s.leaveGroup(g.id, ids.owner)).newOwner, ids.first);
    await assertOwner(s, g, ids.first);
    assert.equal((await s.leaveGroup(g.id, ids.first)).newOwner, ids.second);
    await assertOwner(s, g, ids.second);
    assert.equal(await s.roleOf(g.id, ids.third), "member");
  });

  test("leaveGroup() of the last member leaves a group with no members that keeps its owner_id", async (s) => {
    const { g, ids } = await groupWith(s);
    assert.deepEqual(await s.leaveGroup(g.id, ids.owner), {
      left: true,
      newOwner: null,
    });
    assert.equal((await s.groupById(g.id))?.owner_id, ids.owner);
    assert.deepEqual(await s.members(g.id), []);
  });

  test("leaveGroup() of the owner racing their successor's leave leaves the next member owning the group", async (s) => {
    for (let round = 0; round < 3; round++) {
      const { g, ids } = await groupWith(s, "heir", "next", "last");
      const [owner, heir] = await Promise.all([
        s.leaveGroup(g.id, ids.owner),
        s.leaveGroup(g.id, ids.heir),
      ]);
      assert.equal(owner.left && heir.left, true);
      await assertOwner(s, g, ids.next);
      assert.deepEqual(
        (await s.members(g.id)).map((m) => m.user_id).sort(),
        [ids.next, ids.last].sort(),
      );
    }
  });

  test("leaveGroup() of the owner racing a rename keeps both: the new owner and the new name", async (s) => {
    for (let round = 0; round < 3; round++) {
      const { g, ids } = await groupWith(s, "heir");
      await Promise.all([
        s.leaveGroup(g.id, ids.owner),
        s.updateGroup(g.id, { name: `renamed ${round}` }),
      ]);
      await assertOwner(s, g, ids.heir);
      assert.equal((await s.groupById(g.id))?.name, `renamed ${round}`);
    }
  });

  test("leaveGroup() in a direct group passes no ownership", async (s) => {
    const [ann, bob] = [user("ann"), user("bob")];
    await s.createUser(ann);
    await s.createUser(bob);
    const dm = { ...group(ann.id), kind: "dm" as const };
    await s.createDm(dm, [ann.id, bob.id]);
    assert.deepEqual(await s.leaveGroup(dm.id, ann.id), { left: true });
    assert.equal(await s.roleOf(dm.id, bob.id), "member");
  });
}
