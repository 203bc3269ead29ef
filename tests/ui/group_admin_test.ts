import assert from "node:assert/strict";
import type { Member } from "../../lib/protocol/types.ts";
import { ChatModel } from "../../lib/ui/chat_model.ts";
import {
  GroupAdmin,
  type GroupFrame,
  isMuted,
} from "../../lib/ui/group_admin.ts";
import type { GroupAdminApi } from "../../lib/ui/group_admin_api.ts";
import { parseServerFrame } from "../../lib/ui/parse_server_frame.ts";
import { alice, bob, carol, FakeClock, group, ready } from "./fakes.ts";

const members: Member[] = [
  { ...alice, online: true, role: "owner" },
  { ...bob, online: true, role: "member" },
  { ...carol, online: false, role: "member" },
];

/** A GroupAdminApi that records calls and answers like the server. */
function fakeApi(model: ChatModel) {
  const calls: string[] = [];
  const held = (id: string) => model.groups.value.find((g) => g.id === id)!;
  const api: GroupAdminApi = {
    updateGroup(id, patch) {
      calls.push(`patch ${id} ${JSON.stringify(patch)}`);
      return Promise.resolve({ ...held(id), ...patch });
    },
    rotateInvite(id) {
      calls.push(`invite ${id}`);
      return Promise.resolve({ ...held(id), invite_code: "new-code" });
    },
    setRole(id, userId, role) {
      calls.push(`role ${id} ${userId} ${role}`);
      const m = members.find((m) => m.id === userId)!;
      return Promise.resolve({ ...m, role });
    },
    removeMember(id, userId, ban) {
      calls.push(`remove ${id} ${userId}${ban ? " ban" : ""}`);
      return Promise.resolve();
    },
    unban(id, userId) {
      calls.push(`unban ${id} ${userId}`);
      return Promise.resolve();
    },
    lookupUser(username) {
      calls.push(`lookup ${username}`);
      const u = members.find((m) => m.username === username);
      return u
        ? Promise.resolve({ id: u.id, username: u.username })
        : Promise.reject(new Error("not found"));
    },
    openDm(username) {
      calls.push(`dm ${username}`);
      return Promise.resolve(group("dm1", {
        kind: "dm",
        name: `alice, ${username}`,
      }));
    },
    setMuted(id, muted) {
      calls.push(`mute ${id} ${muted}`);
      return Promise.resolve({ ...held(id), muted });
    },
  };
  return { api, calls };
}

function setup() {
  const model = new ChatModel({ clock: new FakeClock() });
  model.applyFrame(
    ready(alice, [group("g1", { invite_code: "secret", unread_count: 3 })]),
  );
  model.setMembers("g1", members);
  const { api, calls } = fakeApi(model);
  const subscribed: string[] = [];
  const opened: string[] = [];
  const admin = new GroupAdmin({
    model,
    api,
    subscribeFromStart: (id) => subscribed.push(id),
    open: (id) => opened.push(id),
  });
  return { model, admin, calls, subscribed, opened };
}

Deno.test("group_updated renames the group but keeps the reader's invite code and counts", () => {
  const { model, admin } = setup();
  const frame = parseServerFrame(JSON.stringify({
    type: "group_updated",
    group: {
      ...group("g1"),
      name: "Renamed",
      description: "About",
      public: true,
      invite_code: undefined,
      unread_count: undefined,
    },
  }));
  assert.equal(frame?.type, "group_updated");
  admin.applyFrame(frame as GroupFrame);
  const g = model.groups.value[0];
  assert.equal(g.name, "Renamed");
  assert.equal(g.description, "About");
  assert.equal(g.public, true);
  assert.equal(g.invite_code, "secret");
  assert.equal(g.unread_count, 3);
});

Deno.test("group_updated for a group the reader is not in changes nothing", () => {
  const { model, admin } = setup();
  admin.applyFrame({ type: "group_updated", group: group("other") });
  assert.deepEqual(model.groups.value.map((g) => g.id), ["g1"]);
});

Deno.test("member_updated changes a member's role in the loaded list, presence untouched", () => {
  const { model, admin } = setup();
  const frame = parseServerFrame(JSON.stringify({
    type: "member_updated",
    group_id: "g1",
    member: { ...bob, role: "admin" },
  }));
  assert.equal(frame?.type, "member_updated");
  admin.applyFrame(frame as GroupFrame);
  const b = model.members.value.get("g1")!.find((m) => m.id === bob.id)!;
  assert.equal(b.role, "admin");
  assert.equal(b.online, true);
});

Deno.test("saving settings and rotating the invite take the server's answer", async () => {
  const { model, admin, calls } = setup();
  await admin.updateGroup("g1", {
    name: "New",
    description: "d",
    public: true,
  });
  await admin.rotateInvite("g1");
  const g = model.groups.value[0];
  assert.equal(g.name, "New");
  assert.equal(g.invite_code, "new-code");
  assert.deepEqual(calls, [
    'patch g1 {"name":"New","description":"d","public":true}',
    "invite g1",
  ]);
});

Deno.test("promoting a member shows the new role; removing one drops them from the list", async () => {
  const { model, admin, calls } = setup();
  await admin.setRole("g1", bob.id, "admin");
  assert.equal(
    model.members.value.get("g1")!.find((m) => m.id === bob.id)!.role,
    "admin",
  );
  await admin.remove("g1", carol.id, true);
  assert.deepEqual(model.members.value.get("g1")!.map((m) => m.id), [
    alice.id,
    bob.id,
  ]);
  assert.deepEqual(calls, [
    `role g1 ${bob.id} admin`,
    `remove g1 ${carol.id} ban`,
  ]);
});

Deno.test("unbanning looks the user up by exact name, then lifts the ban by id", async () => {
  const { admin, calls } = setup();
  await admin.unban("g1", " carol ");
  assert.deepEqual(calls, ["lookup carol", `unban g1 ${carol.id}`]);
  await assert.rejects(() => admin.unban("g1", "nobody"));
});

Deno.test("the reader removed elsewhere loses the group by the server's unsubscribed", () => {
  const { model } = setup();
  model.setActive("g1");
  model.applyFrame({ type: "unsubscribed", group_ids: ["g1"] });
  assert.equal(model.hasGroup("g1"), false);
  assert.equal(model.activeGroupId.value, null);
});

Deno.test("opening a DM adds it, subscribes once and opens it", async () => {
  const { model, admin, subscribed, opened, calls } = setup();
  await admin.openDm(" bob ");
  await admin.openDm("bob");
  assert.ok(model.hasGroup("dm1"));
  assert.deepEqual(subscribed, ["dm1"]);
  assert.deepEqual(opened, ["dm1", "dm1"]);
  assert.deepEqual(calls, ["dm bob", "dm bob"]);
});

Deno.test("group_added adds the new DM and subscribes to it from its first message, once", () => {
  const { model, admin, subscribed, opened } = setup();
  const dm = group("dm2", { kind: "dm", name: "alice, carol" });
  admin.applyFrame({ type: "group_added", group: dm });
  admin.applyFrame({ type: "group_added", group: dm });
  assert.ok(model.hasGroup("dm2"));
  assert.deepEqual(subscribed, ["dm2"]);
  assert.deepEqual(opened, []);
});

Deno.test("muting a group marks it muted, and unmuting clears it", async () => {
  const { model, admin } = setup();
  await admin.setMuted("g1", true);
  assert.equal(isMuted(model.groups.value[0]), true);
  await admin.setMuted("g1", false);
  assert.equal(isMuted(model.groups.value[0]), false);
});
