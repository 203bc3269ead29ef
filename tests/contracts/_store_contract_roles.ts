/** The store contract's cases for §6: roles, group changes, bans, mutes and direct groups. */
import assert from "node:assert/strict";
import type { Store, StoredUser } from "../../lib/store/store.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { group, uid, user } from "./_store_fixtures.ts";

async function addUser(s: Store, name: string): Promise<StoredUser> {
  const u = user(name);
  await s.createUser(u);
  return u;
}

const byUser = (a: { user_id: string }, b: { user_id: string }) =>
  a.user_id < b.user_id ? -1 : 1;

/** Registers the §6 cases. */
export function roleCases(test: StoreCase): void {
  test("createGroup() stores the owner's role as owner, addMember() a member's as member", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const g = group(owner.id);
    await s.createGroup(g);
    await s.addMember(g.id, bob.id);
    assert.equal(await s.roleOf(g.id, owner.id), "owner");
    assert.equal(await s.roleOf(g.id, bob.id), "member");
    assert.equal(await s.roleOf(g.id, uid("user")), null);
    assert.deepStrictEqual(
      (await s.members(g.id)).sort(byUser),
      [
        { user_id: owner.id, role: "owner" as const },
        { user_id: bob.id, role: "member" as const },
      ].sort(byUser),
    );
  });

  test("setRole() changes a member's role and answers false for a non-member", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const g = group(owner.id);
    await s.createGroup(g);
    await s.addMember(g.id, bob.id);
    assert.equal(await s.setRole(g.id, bob.id, "admin"), true);
    assert.equal(await s.roleOf(g.id, bob.id), "admin");
    assert.equal(await s.setRole(g.id, bob.id, "member"), true);
    assert.equal(await s.roleOf(g.id, bob.id), "member");
    assert.equal(await s.setRole(g.id, uid("user"), "admin"), false);
    assert.deepStrictEqual(await s.groupsOfUser(bob.id), [g]);
  });

  test("removeMember() then addMember() starts again as a plain member", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const g = group(owner.id);
    await s.createGroup(g);
    await s.addMember(g.id, bob.id);
    await s.setRole(g.id, bob.id, "admin");
    await s.removeMember(g.id, bob.id);
    assert.equal(await s.roleOf(g.id, bob.id), null);
    await s.addMember(g.id, bob.id);
    assert.equal(await s.roleOf(g.id, bob.id), "member");
  });

  test("updateGroup() changes only the given fields and answers the stored group", async (s) => {
    const owner = await addUser(s, "owner");
    const g = group(owner.id, { public: false });
    await s.createGroup(g);
    const renamed = await s.updateGroup(g.id, {
      name: "new name",
      description: undefined,
    });
    assert.deepStrictEqual(renamed, { ...g, name: "new name" });
    const described = await s.updateGroup(g.id, { description: "about" });
    assert.deepStrictEqual(described, {
      ...g,
      name: "new name",
      description: "about",
    });
    assert.deepStrictEqual(await s.groupById(g.id), described);
    assert.equal(await s.updateGroup(uid("group"), { name: "x" }), null);
  });

  test("updateGroup() of invite_code racing other changes is never lost", async (s) => {
    const owner = await addUser(s, "owner");
    const g = group(owner.id, { public: false });
    await s.createGroup(g);
    for (let round = 0; round < 5; round++) {
      const [rotated] = await Promise.all([
        s.updateGroup(g.id, { invite_code: `code ${round}` }),
        s.updateGroup(g.id, { name: `name ${round}` }),
        s.updateGroup(g.id, { description: `about ${round}`, public: true }),
      ]);
      assert.equal(rotated?.invite_code, `code ${round}`);
      assert.equal((await s.groupById(g.id))?.invite_code, `code ${round}`);
      const [listed] = await s.groupsOfUser(owner.id);
      assert.equal(listed.invite_code, `code ${round}`);
    }
    const rotations = await Promise.all(
      ["a", "b", "c", "d"].map((code) =>
        s.updateGroup(g.id, { invite_code: code })
      ),
    );
    const final = (await s.groupById(g.id))?.invite_code;
    assert.ok(
      ["a", "b", "c", "d"].includes(final!),
      `one of the rotations: ${final}`,
    );
    assert.equal(rotations.length, 4);
  });

  test("updateGroup() of public moves the group into and out of publicGroups()", async (s) => {
    const owner = await addUser(s, "owner");
    const g = group(owner.id, { public: false });
    await s.createGroup(g);
    assert.deepStrictEqual(await s.publicGroups(10), []);
    await s.updateGroup(g.id, { public: true });
    assert.deepStrictEqual(await s.publicGroups(10), [{ ...g, public: true }]);
    await s.updateGroup(g.id, { public: false });
    assert.deepStrictEqual(await s.publicGroups(10), []);
  });

  test("updateGroup() of invite_code replaces the code", async (s) => {
    const owner = await addUser(s, "owner");
    const g = group(owner.id);
    await s.createGroup(g);
    await s.updateGroup(g.id, { invite_code: "fresh" });
    assert.equal((await s.groupById(g.id))?.invite_code, "fresh");
  });

  test("addBan(), isBanned() and removeBan() keep a ban per group and user", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const [g, other] = [group(owner.id), group(owner.id)];
    await s.createGroup(g);
    await s.createGroup(other);
    assert.equal(await s.isBanned(g.id, bob.id), false);
    await s.addBan(g.id, bob.id);
    await s.addBan(g.id, bob.id);
    assert.equal(await s.isBanned(g.id, bob.id), true);
    assert.equal(await s.isBanned(other.id, bob.id), false);
    assert.equal(await s.isBanned(g.id, owner.id), false);
    assert.equal(await s.removeBan(g.id, bob.id), true);
    assert.equal(await s.removeBan(g.id, bob.id), false);
    assert.equal(await s.isBanned(g.id, bob.id), false);
  });

  test("setMuted() is kept per user and group, and mutedGroups() answers the muted ones", async (s) => {
    const [owner, bob] = [await addUser(s, "owner"), await addUser(s, "bob")];
    const [g, other] = [group(owner.id), group(owner.id)];
    await s.createGroup(g);
    await s.createGroup(other);
    await s.setMuted(g.id, bob.id, true);
    await s.setMuted(g.id, bob.id, true);
    assert.deepStrictEqual(
      await s.mutedGroups(bob.id, [g.id, other.id]),
      new Set([g.id]),
    );
    assert.deepStrictEqual(await s.mutedGroups(owner.id, [g.id]), new Set());
    await s.setMuted(g.id, bob.id, false);
    await s.setMuted(g.id, bob.id, false);
    assert.deepStrictEqual(await s.mutedGroups(bob.id, [g.id]), new Set());
  });

  test("createDm() asked many times at once makes one group with both users as members", async (s) => {
    const [ann, bob] = [await addUser(s, "ann"), await addUser(s, "bob")];
    const id = uid("dm");
    const asks = Array.from({ length: 8 }, (_, i) => {
      const [asker, other] = i % 2 ? [ann, bob] : [bob, ann];
      return s.createDm(
        { ...group(asker.id), id, name: "ann, bob", kind: "dm" },
        [asker.id, other.id],
      );
    });
    const answers = await Promise.all(asks);
    assert.equal(new Set(answers.map((g) => JSON.stringify(g))).size, 1);
    assert.deepStrictEqual(await s.groupById(id), answers[0]);
    assert.deepStrictEqual(
      (await s.members(id)).sort(byUser),
      [
        { user_id: ann.id, role: "member" as const },
        { user_id: bob.id, role: "member" as const },
      ].sort(byUser),
    );
    assert.deepStrictEqual(await s.groupsOfUser(ann.id), [answers[0]]);
    assert.deepStrictEqual(await s.groupsOfUser(bob.id), [answers[0]]);
  });
}
