import assert from "node:assert/strict";
import type { Member } from "../../lib/protocol/types.ts";
import {
  canChangeRole,
  canManageGroup,
  canRemove,
  displayName,
  roleIn,
} from "../../lib/ui/roles.ts";
import { alice, bob, carol, group } from "./fakes.ts";

const owner: Member = { ...alice, online: true, role: "owner" };
const admin: Member = { ...bob, online: true, role: "admin" };
const member: Member = { ...carol, online: true, role: "member" };
const g = group("g1");
const dm = group("d1", { kind: "dm", name: "alice, bob" });

Deno.test("roleIn reads the member list, else owner_id", () => {
  assert.equal(roleIn(g, [owner, admin], bob.id), "admin");
  assert.equal(roleIn(g, undefined, alice.id), "owner");
  assert.equal(roleIn(g, undefined, bob.id), "member");
  assert.equal(roleIn(dm, undefined, alice.id), "member");
});

Deno.test("owners and admins manage a group; nobody manages a DM", () => {
  assert.equal(canManageGroup(g, "owner"), true);
  assert.equal(canManageGroup(g, "admin"), true);
  assert.equal(canManageGroup(g, "member"), false);
  assert.equal(canManageGroup(dm, "owner"), false);
});

Deno.test("only the owner changes roles, never the owner's own", () => {
  assert.equal(canChangeRole(g, "owner", member, alice.id), true);
  assert.equal(canChangeRole(g, "owner", admin, alice.id), true);
  assert.equal(canChangeRole(g, "owner", owner, alice.id), false);
  assert.equal(canChangeRole(g, "admin", member, bob.id), false);
});

Deno.test("the owner removes anyone else; an admin only plain members; nobody themself", () => {
  assert.equal(canRemove(g, "owner", admin, alice.id), true);
  assert.equal(canRemove(g, "admin", member, bob.id), true);
  assert.equal(canRemove(g, "admin", owner, bob.id), false);
  assert.equal(
    canRemove(g, "admin", { ...admin, id: "other-admin" }, bob.id),
    false,
  );
  assert.equal(canRemove(g, "member", member, "someone"), false);
  assert.equal(canRemove(g, "owner", owner, alice.id), false);
  assert.equal(canRemove(dm, "owner", member, alice.id), false);
});

Deno.test("a DM shows the other person's name; a group its own", () => {
  assert.equal(displayName(dm, "alice"), "bob");
  assert.equal(displayName(dm, "BOB"), "alice");
  assert.equal(displayName(g, "alice"), "Group g1");
});
