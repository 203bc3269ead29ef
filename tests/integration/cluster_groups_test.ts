/**
 * PROTOCOL.md §6 on three real instances sharing one Redis and one KV file: roles, settings,
 * invite rotation, removal and bans reaching sockets on every instance, and direct messages,
 * including two users asking for their conversation at once on different instances.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { withCluster } from "../helpers/cluster.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { redisTest } from "../helpers/redis_server.ts";

/** Opens a socket as `token` and subscribes it to `groupIds`. */
async function subscribed(
  wsUrl: string,
  token: string,
  groupIds: string[],
): Promise<GatewayClient> {
  const socket = await GatewayClient.connect(wsUrl, { token });
  socket.send({ type: "subscribe", group_ids: groupIds });
  await socket.nextOf("subscribed");
  return socket;
}

redisTest(
  "three instances apply §6 roles, settings, invites, removal, bans and direct messages as one service",
  async (t) => {
    await withCluster({}, async ({ servers: [s1, s2, s3] }) => {
      const opened: GatewayClient[] = [];
      const open = async (wsUrl: string, token: string, ids: string[]) => {
        const socket = await subscribed(wsUrl, token, ids);
        opened.push(socket);
        return socket;
      };
      try {
        const alice = await newUser(s1.url, "alice");
        const bob = await newUser(s2.url, "bob");
        const carol = await newUser(s3.url, "carol");
        const general = await newGroup(alice.api, "general");
        for (const member of [bob, carol]) {
          await member.api.post(`/api/groups/${general.id}/join`, {});
        }
        const bobOnS2 = new ApiClient(s2.url, bob.token);
        const carolWatching = await open(s3.wsUrl, carol.token, [general.id]);
        const path = (rest = "") => `/api/groups/${general.id}${rest}`;

        await t.step(
          "members carry their roles: the creator is owner, joiners are members",
          async () => {
            const res = await carol.api.get(path("/members"));
            assert.equal(res.status, 200);
            assert.deepEqual(
              res.body.members.map((
                m: { username: string; role: string },
              ) => [m.username, m.role]),
              [["alice", "owner"], ["bob", "member"], ["carol", "member"]],
            );
            const [created] = (await alice.api.get("/api/groups")).body.groups;
            assert.equal(created.kind, "group");
            assert.equal(created.description, "");
          },
        );

        await t.step(
          "the owner makes bob an admin on one instance; a subscriber on another gets member_updated",
          async () => {
            const res = await alice.api.request(
              "PUT",
              path(`/members/${bob.user.id}/role`),
              { role: "admin" },
            );
            assert.equal(res.status, 200);
            assert.deepEqual(res.body.member, {
              ...bob.user,
              online: false,
              role: "admin",
            });
            const frame = await carolWatching.nextOf("member_updated");
            assert.deepEqual(frame, {
              type: "member_updated",
              group_id: general.id,
              member: res.body.member,
            });
          },
        );

        await t.step(
          "only the owner changes roles, never their own, to admin or member only, of members only",
          async () => {
            const role = (api: ApiClient, userId: string, body: unknown) =>
              api.request("PUT", path(`/members/${userId}/role`), body);
            assert.equal(
              (await role(bobOnS2, carol.user.id, { role: "admin" })).status,
              403,
            );
            assert.equal(
              (await role(alice.api, alice.user.id, { role: "member" })).status,
              403,
            );
            assert.equal(
              (await role(alice.api, carol.user.id, { role: "owner" })).status,
              400,
            );
            const stranger = await newUser(s1.url, "stranger");
            assert.equal(
              (await role(alice.api, stranger.user.id, { role: "admin" }))
                .status,
              404,
            );
            const roles = (await alice.api.get(path("/members"))).body.members
              .map((m: { role: string }) => m.role);
            assert.deepEqual(roles, ["owner", "admin", "member"]);
          },
        );

        await t.step(
          "an admin changes the settings; subscribers get group_updated with public fields only",
          async () => {
            const res = await bobOnS2.request("PATCH", path(), {
              name: "  lounge ",
              description: "all welcome",
            });
            assert.equal(res.status, 200);
            assert.equal(res.body.group.name, "lounge");
            assert.equal(res.body.group.invite_code, general.invite_code);
            const { group } = await carolWatching.nextOf("group_updated");
            assert.deepEqual(group, {
              id: general.id,
              name: "lounge",
              description: "all welcome",
              public: true,
              owner_id: alice.user.id,
              created_at: res.body.group.created_at,
              kind: "group",
            });
            const listed = (await carol.api.get("/api/groups")).body.groups[0];
            assert.equal(listed.description, "all welcome");
          },
        );

        await t.step(
          "settings refuse members, empty or unknown changes and over-long descriptions",
          async () => {
            const patch = (api: ApiClient, body: unknown) =>
              api.request("PATCH", path(), body);
            assert.equal(
              (await patch(carol.api, { name: "mine" })).status,
              403,
            );
            assert.equal((await patch(alice.api, {})).status, 400);
            assert.equal(
              (await patch(alice.api, { owner_id: carol.user.id })).status,
              400,
            );
            assert.equal(
              (await patch(alice.api, { description: "x".repeat(501) })).status,
              400,
            );
            assert.equal(
              (await patch(alice.api, { description: "x".repeat(500) })).status,
              200,
            );
            const missing = await alice.api.request(
              "PATCH",
              "/api/groups/nosuchgroup",
              { name: "x" },
            );
            assert.equal(missing.status, 404);
            assert.equal(
              (await carol.api.get(path("/members"))).body.members[0].username,
              "alice",
            );
          },
        );

        await t.step(
          "rotating the invite on one instance makes the old code fail on every instance",
          async () => {
            const secret = await newGroup(alice.api, "secret", false);
            await bob.api.post(`/api/groups/${secret.id}/join`, {
              invite_code: secret.invite_code,
            });
            await alice.api.request(
              "PUT",
              `/api/groups/${secret.id}/members/${bob.user.id}/role`,
              { role: "admin" },
            );
            assert.equal(
              (await carol.api.post(`/api/groups/${secret.id}/invite`)).status,
              403,
            );
            const rotated = await bobOnS2.post(
              `/api/groups/${secret.id}/invite`,
            );
            assert.equal(rotated.status, 200);
            const fresh = rotated.body.group.invite_code;
            assert.ok(
              typeof fresh === "string" && fresh !== secret.invite_code,
            );
            for (const s of [s1, s2, s3]) {
              const old = await new ApiClient(s.url, carol.token).post(
                `/api/groups/${secret.id}/join`,
                {
                  invite_code: secret.invite_code,
                },
              );
              assert.equal(old.status, 403, `old code refused on ${s.url}`);
            }
            const joined = await new ApiClient(s1.url, carol.token).post(
              `/api/groups/${secret.id}/join`,
              {
                invite_code: fresh,
              },
            );
            assert.equal(joined.status, 200);
          },
        );

        await t.step(
          "an admin removes a member: their sockets on every instance get unsubscribed and nothing more",
          async () => {
            const erin = await newUser(s1.url, "erin");
            await erin.api.post(path("/join"), {});
            const sockets = await Promise.all(
              [s1, s2, s3].map((s) => open(s.wsUrl, erin.token, [general.id])),
            );
            const res = await bobOnS2.request(
              "DELETE",
              path(`/members/${erin.user.id}`),
            );
            assert.equal(res.status, 204);
            for (const s of sockets) {
              assert.deepEqual(await s.nextOf("unsubscribed"), {
                type: "unsubscribed",
                group_ids: [general.id],
              });
            }
            assert.deepEqual(
              await carolWatching.nextOf("member_left"),
              {
                type: "member_left",
                group_id: general.id,
                user_id: erin.user.id,
              },
            );
            const alicesSocket = await open(s1.wsUrl, alice.token, [
              general.id,
            ]);
            alicesSocket.send({
              type: "message",
              group_id: general.id,
              text: "after removal",
            });
            await carolWatching.next((f) =>
              f.type === "message" && f.message.text === "after removal"
            );
            for (const s of sockets) {
              await s.roundTrip();
              assert.equal(s.drain("message").length, 0);
            }
            const history = await new ApiClient(s3.url, erin.token).get(
              path("/messages"),
            );
            assert.equal(history.status, 403);
            // Not banned: a public group takes them back.
            assert.equal((await erin.api.post(path("/join"), {})).status, 200);
            await bobOnS2.request("DELETE", path(`/members/${erin.user.id}`));
          },
        );

        await t.step(
          "removal refuses admins on admins or the owner, oneself, members and non-members",
          async () => {
            const remove = (api: ApiClient, userId: string) =>
              api.request("DELETE", path(`/members/${userId}`));
            assert.equal((await remove(bobOnS2, alice.user.id)).status, 403);
            await alice.api.request(
              "PUT",
              path(`/members/${carol.user.id}/role`),
              { role: "admin" },
            );
            assert.equal((await remove(bobOnS2, carol.user.id)).status, 403);
            await alice.api.request(
              "PUT",
              path(`/members/${carol.user.id}/role`),
              { role: "member" },
            );
            assert.equal((await remove(carol.api, bob.user.id)).status, 403);
            assert.equal((await remove(bobOnS2, bob.user.id)).status, 400);
            assert.equal((await remove(alice.api, alice.user.id)).status, 400);
            const stranger = await newUser(s2.url, "stranger2");
            assert.equal(
              (await remove(alice.api, stranger.user.id)).status,
              404,
            );
            assert.equal(
              (await alice.api.post(path("/leave"))).status,
              400,
              "the owner cannot leave",
            );
            const roles = (await alice.api.get(path("/members"))).body.members
              .map((m: { role: string }) => m.role);
            assert.deepEqual(roles, ["owner", "admin", "member"]);
          },
        );

        await t.step(
          "a ban keeps the user out by public join and by invite code until an admin lifts it",
          async () => {
            const banned = await bobOnS2.request(
              "DELETE",
              path(`/members/${carol.user.id}?ban=1`),
            );
            assert.equal(banned.status, 204);
            await carolWatching.nextOf("unsubscribed");
            for (const s of [s1, s2, s3]) {
              const again = await new ApiClient(s.url, carol.token).post(
                path("/join"),
                {
                  invite_code: general.invite_code,
                },
              );
              assert.equal(again.status, 403, `banned on ${s.url}`);
            }
            await alice.api.request("PATCH", path(), { public: false });
            const byCode = await carol.api.post(path("/join"), {
              invite_code: general.invite_code,
            });
            assert.equal(byCode.status, 403);
            assert.equal(
              (await carol.api.request(
                "DELETE",
                path(`/bans/${carol.user.id}`),
              )).status,
              403,
            );
            assert.equal(
              (await bobOnS2.request("DELETE", path(`/bans/${carol.user.id}`)))
                .status,
              204,
            );
            const back = await new ApiClient(s3.url, carol.token).post(
              path("/join"),
              {
                invite_code: general.invite_code,
              },
            );
            assert.equal(back.status, 200);
          },
        );

        await t.step(
          "a user is found by exact name only, never listed",
          async () => {
            const found = await carol.api.get("/api/users/lookup?username=BOB");
            assert.deepEqual(found.body, { user: bob.user });
            assert.equal(
              (await carol.api.get("/api/users/lookup?username=bo")).status,
              404,
            );
            assert.equal(
              (await carol.api.get("/api/users/lookup")).status,
              400,
            );
          },
        );

        await t.step(
          "two users asking for their conversation at once on different instances get one group",
          async () => {
            const dan = await newUser(s1.url, "dan");
            const eve = await newUser(s3.url, "Eve");
            const asks = [];
            for (let i = 0; i < 6; i++) {
              asks.push(
                new ApiClient([s1, s2, s3][i % 3].url, dan.token).post(
                  "/api/dms",
                  { username: "eve" },
                ),
              );
              asks.push(
                new ApiClient([s3, s1, s2][i % 3].url, eve.token).post(
                  "/api/dms",
                  { username: "DAN" },
                ),
              );
            }
            const answers = await Promise.all(asks);
            assert.deepEqual(
              answers.map((a) => a.status),
              answers.map(() => 200),
            );
            const ids = new Set(answers.map((a) => a.body.group.id));
            assert.equal(ids.size, 1, "one group for the pair");
            const dm = answers[0].body.group;
            assert.equal(dm.kind, "dm");
            assert.equal(dm.public, false);
            assert.equal(dm.name, "dan, Eve");
            assert.equal(dm.invite_code, undefined);
            const members =
              (await eve.api.get(`/api/groups/${dm.id}/members`)).body.members;
            assert.deepEqual(
              members.map((
                m: { username: string; role: string },
              ) => [m.username, m.role]),
              [
                ["dan", "member"],
                ["Eve", "member"],
              ],
            );

            const listed = async (api: ApiClient) =>
              (await api.get("/api/groups")).body.groups.some((
                g: { id: string },
              ) => g.id === dm.id);
            assert.equal(
              await listed(dan.api),
              false,
              "not listed before its first message",
            );
            const dansSocket = await GatewayClient.connect(s2.wsUrl, {
              token: dan.token,
            });
            opened.push(dansSocket);
            const sent = await eve.api.post(`/api/groups/${dm.id}/messages`, {
              text: "hi dan",
            });
            assert.equal(sent.status, 201);
            const added = await dansSocket.nextOf("group_added");
            assert.deepEqual(added.group, {
              id: dm.id,
              name: "dan, Eve",
              public: false,
              owner_id: dm.owner_id,
              created_at: dm.created_at,
              description: "",
              kind: "dm",
            });
            await eve.api.post(`/api/groups/${dm.id}/messages`, {
              text: "again",
            });
            await dansSocket.roundTrip();
            assert.equal(dansSocket.drain("group_added").length, 0, "once");
            assert.equal(await listed(dan.api), true);
            assert.equal(await listed(eve.api), true);

            const dmPath = (rest: string) => `/api/groups/${dm.id}${rest}`;
            assert.equal(
              (await carol.api.post(dmPath("/join"), {})).status,
              403,
              "nobody else joins",
            );
            assert.equal(
              (await dan.api.post(dmPath("/leave"))).status,
              403,
              "it cannot be left",
            );
            assert.equal(
              (await dan.api.request("PATCH", dmPath(""), { name: "x" }))
                .status,
              403,
            );
            assert.equal((await dan.api.post(dmPath("/invite"))).status, 403);
            assert.equal(
              (await dan.api.request(
                "PUT",
                dmPath(`/members/${eve.user.id}/role`),
                { role: "admin" },
              )).status,
              403,
            );
            assert.equal(
              (await dan.api.request(
                "DELETE",
                dmPath(`/members/${eve.user.id}`),
              )).status,
              403,
            );
            const publicIds = (await dan.api.get("/api/groups/public")).body
              .groups.map((g: { id: string }) => g.id);
            assert.equal(publicIds.includes(dm.id), false);
            assert.equal(
              (await carol.api.get(dmPath("/messages"))).status,
              403,
            );
          },
        );

        await t.step(
          "a conversation with oneself or an unknown user is refused",
          async () => {
            assert.equal(
              (await alice.api.post("/api/dms", { username: "ALICE" })).status,
              400,
            );
            assert.equal(
              (await alice.api.post("/api/dms", { username: "nobody-here" }))
                .status,
              404,
            );
            assert.equal((await alice.api.post("/api/dms", {})).status, 400);
          },
        );

        await t.step(
          "a mute is stored for the user and seen from every instance",
          async () => {
            const mute = (muted: boolean) =>
              bobOnS2.request("PUT", path("/mute"), { muted });
            assert.deepEqual((await mute(true)).body, { muted: true });
            const seen = async (s: { url: string }) =>
              (await new ApiClient(s.url, bob.token).get("/api/groups")).body
                .groups
                .find((g: { id: string }) => g.id === general.id).muted;
            assert.equal(await seen(s1), true);
            assert.equal(await seen(s3), true);
            await mute(false);
            assert.equal(await seen(s1), false);
            assert.equal(
              (await bobOnS2.request("PUT", path("/mute"), { muted: "yes" }))
                .status,
              400,
            );
            const stranger = await newUser(s2.url, "stranger3");
            assert.equal(
              (await stranger.api.request("PUT", path("/mute"), {
                muted: true,
              })).status,
              403,
            );
          },
        );
      } finally {
        await Promise.all(opened.map((s) => s.close()));
      }
    });
  },
  integration,
);
