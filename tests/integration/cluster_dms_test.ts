/**
 * PROTOCOL.md §6 direct messages on three real instances sharing one Redis and one store (a KV
 * file, then MongoDB on FerretDB): look-up by exact name, exactly one group per pair when both
 * users ask at once on different instances, `group_added` on the first message, and per-group
 * mute stored for the user.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { onEveryStore } from "../helpers/on_every_store.ts";

onEveryStore(
  "keep one direct conversation per pair and a mute per user as one service",
  async (t, { servers: [s1, s2, s3] }, open) => {
    const alice = await newUser(s1.url, "alice");
    const bob = await newUser(s2.url, "bob");
    const carol = await newUser(s3.url, "carol");
    const general = await newGroup(alice.api, "general");
    await bob.api.post(`/api/groups/${general.id}/join`, {});
    const bobOnS2 = new ApiClient(s2.url, bob.token);
    const path = (rest = "") => `/api/groups/${general.id}${rest}`;

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
        const dansSocket = await open(s2.wsUrl, dan.token, []);
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
        const dansView = (await dan.api.get("/api/groups")).body.groups.find(
          (g: { id: string }) => g.id === dm.id,
        );
        assert.equal(dansView.unread_count, 2);
        assert.equal(
          dansView.mention_count,
          2,
          "in a direct group every unread message counts as a mention",
        );
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

    await t.step(
      "idle presence reaches the user's groups on other instances once every socket here is idle",
      async () => {
        const watcher = await open(s1.wsUrl, alice.token, [general.id]);
        const phone = await open(s2.wsUrl, bob.token, []);
        const laptop = await open(s2.wsUrl, bob.token, []);
        const bobsPresence = () =>
          watcher.next((f) =>
            f.type === "presence" && f.user_id === bob.user.id &&
            f.idle !== undefined
          );
        laptop.send({ type: "presence_status", idle: false });
        await laptop.roundTrip();
        phone.send({ type: "presence_status", idle: true });
        await phone.roundTrip();
        laptop.send({ type: "presence_status", idle: true });
        assert.deepEqual(await bobsPresence(), {
          type: "presence",
          user_id: bob.user.id,
          status: "online",
          idle: true,
        });
        phone.send({ type: "presence_status", idle: false });
        assert.equal((await bobsPresence()).idle, false);
        phone.send({ type: "presence_status", idle: "yes" });
        assert.equal((await phone.nextOf("error")).code, "bad_request");
        await watcher.roundTrip();
        const more = watcher.drain("presence").filter((f) =>
          f.user_id === bob.user.id && f.idle !== undefined
        );
        assert.deepEqual(more, [], "told once per change, not per socket");
      },
    );
  },
);
