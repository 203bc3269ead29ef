/** The store contract's cases for groups and memberships. */
import assert from "node:assert/strict";
import type { Store, StoredUser } from "../../lib/store/store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { group, uid, user } from "./_store_fixtures.ts";

async function addUser(s: Store, name: string): Promise<StoredUser> {
  const u = user(name);
  await s.createUser(u);
  return u;
}

const sorted = (ids: string[]) => ids.toSorted();

/** Registers the group and membership cases. */
export function groupCases(test: StoreCase): void {
  test("createGroup() stores a group that groupById() returns exactly", async (s) => {
    const owner = await addUser(s, "owner");
    const g = group(owner.id, { public: true });
    await s.createGroup(g);
    assert.deepStrictEqual(await s.groupById(g.id), g);
  });

  test("createGroup() makes the owner a member", async (s) => {
    const owner = await addUser(s, "owner");
    const g = group(owner.id);
    await s.createGroup(g);
    assert.equal(await s.isMember(g.id, owner.id), true);
    assert.deepStrictEqual(await s.memberIds(g.id), [owner.id]);
    assert.deepStrictEqual(await s.groupsOfUser(owner.id), [g]);
  });

  test("groupById() answers null for an unknown group", async (s) => {
    assert.equal(await s.groupById(uid("group")), null);
  });

  test("publicGroups() answers only public groups, newest first, up to the limit", async (s) => {
    const owner = await addUser(s, "owner");
    const older = group(owner.id, { public: true, minute: 1 });
    const hidden = group(owner.id, { public: false, minute: 2 });
    const newest = group(owner.id, { public: true, minute: 3 });
    const oldest = group(owner.id, { public: true, minute: 0 });
    for (const g of [older, hidden, newest, oldest]) await s.createGroup(g);
    assert.deepStrictEqual(await s.publicGroups(10), [newest, older, oldest]);
    assert.deepStrictEqual(await s.publicGroups(2), [newest, older]);
  });

  test("publicGroups() answers an empty list when there is none", async (s) => {
    const owner = await addUser(s, "owner");
    await s.createGroup(group(owner.id, { public: false }));
    assert.deepStrictEqual(await s.publicGroups(10), []);
  });

  test("addMember() answers true for a new member and false for an existing one", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const g = group(owner.id);
    await s.createGroup(g);
    assert.equal(await s.addMember(g.id, bob.id), true);
    assert.equal(await s.addMember(g.id, bob.id), false);
    assert.equal(await s.addMember(g.id, owner.id), false);
    assert.deepStrictEqual(
      sorted(await s.memberIds(g.id)),
      sorted([owner.id, bob.id]),
    );
  });

  test("removeMember() answers true for a member and false for a non-member", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const g = group(owner.id);
    await s.createGroup(g);
    await s.addMember(g.id, bob.id);
    assert.equal(await s.removeMember(g.id, bob.id), true);
    assert.equal(await s.removeMember(g.id, bob.id), false);
    assert.equal(await s.removeMember(g.id, uid("user")), false);
    assert.deepStrictEqual(await s.memberIds(g.id), [owner.id]);
    assert.deepStrictEqual(await s.groupsOfUser(bob.id), []);
  });

  test("isMember() answers true only for current members", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const g = group(owner.id);
    await s.createGroup(g);
    assert.equal(await s.isMember(g.id, bob.id), false);
    await s.addMember(g.id, bob.id);
    assert.equal(await s.isMember(g.id, bob.id), true);
    await s.removeMember(g.id, bob.id);
    assert.equal(await s.isMember(g.id, bob.id), false);
    assert.equal(await s.isMember(uid("group"), owner.id), false);
  });

  test("groupsOfUser() lists a user's groups oldest membership first", async (s) => {
    const [ann, bob] = [await addUser(s, "ann"), await addUser(s, "bob")];
    // Created earliest, but joined by ann last: membership order, not creation order, counts.
    const early = group(bob.id, { minute: 0 });
    const mine = group(ann.id, { minute: 5 });
    const later = group(bob.id, { minute: 9 });
    await s.createGroup(early);
    await s.createGroup(mine);
    await s.createGroup(later);
    await s.addMember(later.id, ann.id);
    await s.addMember(early.id, ann.id);
    assert.deepStrictEqual(await s.groupsOfUser(ann.id), [mine, later, early]);
    await s.removeMember(later.id, ann.id);
    await s.addMember(later.id, ann.id);
    assert.deepStrictEqual(await s.groupsOfUser(ann.id), [mine, early, later]);
  });

  test("groupsOfUser() and memberIds() answer empty lists for unknown ids", async (s) => {
    assert.deepStrictEqual(await s.groupsOfUser(uid("user")), []);
    assert.deepStrictEqual(await s.memberIds(uid("group")), []);
  });

  test("memberIds() answers every member of a group and nobody else", async (s) => {
    const [ann, bob, cy] = [
      await addUser(s, "ann"),
      await addUser(s, "bob"),
      await addUser(s, "cy"),
    ];
    const g = group(ann.id);
    const other = group(cy.id);
    await s.createGroup(g);
    await s.createGroup(other);
    await s.addMember(g.id, bob.id);
    assert.deepStrictEqual(
      sorted(await s.memberIds(g.id)),
      sorted([ann.id, bob.id]),
    );
    assert.deepStrictEqual(await s.memberIds(other.id), [cy.id]);
  });
}
