/** The §6 rules of "may this user do this here", without I/O. */
import assert from "node:assert/strict";
import {
  type Action,
  allowed,
  effectiveRole,
} from "../../lib/core/permissions.ts";

const managing: Action[] = [
  "update_group",
  "rotate_invite",
  "unban",
  "delete_any_message",
];

Deno.test("allowed() lets owners and admins change settings, rotate the invite, unban and delete any message", () => {
  for (const action of managing) {
    assert.equal(allowed(action, { kind: "group", role: "owner" }), true);
    assert.equal(allowed(action, { kind: "group", role: "admin" }), true);
    assert.equal(allowed(action, { kind: "group", role: "member" }), false);
  }
});

Deno.test("allowed() lets only the owner change roles, never their own or to another owner", () => {
  const set = (
    role: "owner" | "admin" | "member",
    targetRole: "owner" | "admin" | "member",
    self = false,
  ) => allowed("set_role", { kind: "group", role, targetRole, self });
  assert.equal(set("owner", "member"), true);
  assert.equal(set("owner", "admin"), true);
  assert.equal(set("owner", "owner", true), false);
  assert.equal(set("admin", "member"), false);
  assert.equal(set("member", "member"), false);
});

Deno.test("allowed() lets the owner remove anyone else, and an admin only plain members", () => {
  const remove = (
    role: "owner" | "admin" | "member",
    targetRole: "owner" | "admin" | "member",
  ) => allowed("remove_member", { kind: "group", role, targetRole });
  assert.equal(remove("owner", "admin"), true);
  assert.equal(remove("owner", "member"), true);
  assert.equal(remove("admin", "member"), true);
  assert.equal(remove("admin", "admin"), false);
  assert.equal(remove("admin", "owner"), false);
  assert.equal(remove("member", "member"), false);
  assert.equal(
    allowed("remove_member", {
      kind: "group",
      role: "owner",
      targetRole: "owner",
      self: true,
    }),
    false,
  );
});

Deno.test("allowed() refuses every administrative action in a direct group, to anyone", () => {
  for (const action of [...managing, "set_role", "remove_member"] as Action[]) {
    for (const role of ["owner", "admin", "member"] as const) {
      assert.equal(
        allowed(action, { kind: "dm", role, targetRole: "member" }),
        false,
      );
    }
  }
});

Deno.test("effectiveRole() makes the group's owner_id the one owner: a stored owner who is not it counts as a member", () => {
  const group = {
    id: "g",
    name: "g",
    public: false,
    owner_id: "heir",
    created_at: "2024-01-01T00:00:00.000Z",
    invite_code: "code",
  };
  assert.equal(effectiveRole(group, "heir", "admin"), "owner");
  assert.equal(effectiveRole(group, "former", "owner"), "member");
  assert.equal(effectiveRole(group, "someone", "admin"), "admin");
  assert.equal(effectiveRole(group, "heir", null), null);
});
