/**
 * PROTOCOL.md §1 and §6 together, on three real instances sharing one Redis and one store (a KV
 * file, then MongoDB on FerretDB): the owner may leave like any member (`204`), and the group
 * keeps exactly one owner, the longest-standing admin, else the longest-standing member.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { onEveryStore } from "../helpers/on_every_store.ts";

onEveryStore(
  "let the owner leave: ownership passes to the longest-standing admin, else member",
  async (t, { servers: [s1, s2, s3] }, open) => {
    const alice = await newUser(s1.url, "alice");
    const bob = await newUser(s2.url, "bob");
    const carol = await newUser(s3.url, "carol");
    const dave = await newUser(s3.url, "dave");
    const group = await newGroup(alice.api, "handover");
    const path = (rest = "") => `/api/groups/${group.id}${rest}`;
    for (const member of [bob, carol, dave]) {
      assert.equal((await member.api.post(path("/join"), {})).status, 200);
    }
    const roleOf = (api: ApiClient, userId: string, role: string) =>
      api.request("PUT", path(`/members/${userId}/role`), { role });
    assert.equal((await roleOf(alice.api, carol.user.id, "admin")).status, 200);
    const bobOnS2 = new ApiClient(s2.url, bob.token);
    const bobWatching = await open(s2.wsUrl, bob.token, [group.id]);
    const alicesSockets = await Promise.all(
      [s1, s2].map((s) => open(s.wsUrl, alice.token, [group.id])),
    );

    await t.step(
      "the owner leaves with 204; their sockets on every instance are unsubscribed",
      async () => {
        assert.equal((await alice.api.post(path("/leave"))).status, 204);
        for (const socket of alicesSockets) {
          assert.deepEqual(await socket.nextOf("unsubscribed"), {
            type: "unsubscribed",
            group_ids: [group.id],
          });
        }
      },
    );

    await t.step(
      "the others learn that alice left, that carol (the admin, not the older bob) owns the group, and its new owner_id",
      async () => {
        assert.deepEqual(await bobWatching.nextOf("member_left"), {
          type: "member_left",
          group_id: group.id,
          user_id: alice.user.id,
        });
        const updated = await bobWatching.nextOf("member_updated");
        assert.equal(updated.group_id, group.id);
        assert.deepEqual(
          { ...updated.member as object, online: undefined },
          { ...carol.user, online: undefined, role: "owner" },
        );
        const { group: changed } = await bobWatching.nextOf("group_updated");
        assert.equal((changed as { owner_id: string }).owner_id, carol.user.id);
      },
    );

    await t.step(
      "every instance shows carol as the one owner and alice gone",
      async () => {
        for (const s of [s1, s2, s3]) {
          const api = new ApiClient(s.url, dave.token);
          const members = (await api.get(path("/members"))).body.members.map((
            m: { username: string; role: string },
          ) => [m.username, m.role]);
          assert.deepEqual(members, [
            ["bob", "member"],
            ["carol", "owner"],
            ["dave", "member"],
          ]);
          const mine = (await api.get("/api/groups")).body.groups;
          assert.equal(mine[0].owner_id, carol.user.id);
        }
        assert.equal((await alice.api.get(path("/members"))).status, 403);
      },
    );

    await t.step(
      "carol now has the owner's powers, and alice none",
      async () => {
        assert.equal(
          (await roleOf(carol.api, bob.user.id, "admin")).status,
          200,
        );
        assert.equal(
          (await roleOf(alice.api, bob.user.id, "member")).status,
          403,
        );
        assert.equal(
          (await alice.api.request("PATCH", path(), { name: "mine" })).status,
          403,
        );
        assert.equal(
          (await roleOf(bobOnS2, dave.user.id, "admin")).status,
          403,
        );
      },
    );

    await t.step(
      "without admins the oldest membership inherits; when nobody is left the group is listed nowhere and closed to joins",
      async () => {
        const small = await newGroup(bob.api, "pair");
        const smallPath = `/api/groups/${small.id}`;
        for (const member of [dave, carol]) {
          await member.api.post(`${smallPath}/join`, {});
        }
        assert.equal((await bob.api.post(`${smallPath}/leave`)).status, 204);
        const members = (await dave.api.get(`${smallPath}/members`)).body
          .members.map((m: { username: string; role: string }) => [
            m.username,
            m.role,
          ]);
        assert.deepEqual(members, [["carol", "member"], ["dave", "owner"]]);
        for (const member of [dave, carol]) {
          assert.equal(
            (await member.api.post(`${smallPath}/leave`)).status,
            204,
          );
        }
        const listed = (await bob.api.get("/api/groups/public")).body.groups
          .map((g: { id: string }) => g.id);
        assert.ok(!listed.includes(small.id), "an empty group is not listed");
        assert.ok(listed.includes(group.id), "a group with members still is");
        const rejoin = await bob.api.post(`${smallPath}/join`, {
          invite_code: small.invite_code,
        });
        assert.equal(rejoin.status, 403);
      },
    );
  },
);
