/** PROTOCOL.md §1 against a real server process: every endpoint, its errors and its bounds. */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";

Deno.test("HTTP API on one instance", integration, async (t) => {
  await withServer({}, async (server) => {
    const anon = new ApiClient(server.url);

    await t.step(
      "register answers 201 with user and token and sets an HttpOnly cookie",
      async () => {
        const res = await anon.post("/api/auth/register", {
          username: "Alice",
          password: "password1",
        });
        assert.equal(res.status, 201);
        assert.equal(res.body.user.username, "Alice");
        assert.equal(typeof res.body.user.id, "string");
        assert.equal(typeof res.body.token, "string");
        const cookie = res.headers.get("set-cookie") ?? "";
        assert.match(cookie, /salvioris_session=/);
        assert.match(cookie, /HttpOnly/i);
        assert.match(cookie, /SameSite=Lax/i);
      },
    );

    await t.step(
      "register refuses a taken name in another case with 409 conflict",
      async () => {
        const res = await anon.post("/api/auth/register", {
          username: "alice",
          password: "password1",
        });
        assert.equal(res.status, 409);
        assert.equal(res.body.error.code, "conflict");
      },
    );

    await t.step(
      "register validates username and password bounds with 400",
      async () => {
        for (
          const body of [
            { username: "ab", password: "password1" },
            { username: "x".repeat(33), password: "password1" },
            { username: "bad name!", password: "password1" },
            { username: "bob", password: "short" },
            { username: "bob", password: "p".repeat(257) },
            { username: "bob" },
            "not json",
          ]
        ) {
          const res = await anon.post("/api/auth/register", body);
          assert.equal(res.status, 400, JSON.stringify(body));
          assert.equal(res.body.error.code, "bad_request");
          assert.equal(typeof res.body.error.message, "string");
        }
      },
    );

    await t.step(
      "login answers the same 401 for a wrong name and a wrong password",
      async () => {
        const wrongName = await anon.post("/api/auth/login", {
          username: "nobody",
          password: "password1",
        });
        const wrongPass = await anon.post("/api/auth/login", {
          username: "alice",
          password: "password2",
        });
        assert.equal(wrongName.status, 401);
        assert.equal(wrongPass.status, 401);
        assert.deepEqual(wrongName.body, wrongPass.body);
      },
    );

    await t.step(
      "login is case-insensitive on the name and answers a working token",
      async () => {
        const res = await anon.post("/api/auth/login", {
          username: "ALICE",
          password: "password1",
        });
        assert.equal(res.status, 200);
        const me = await new ApiClient(server.url, res.body.token).get(
          "/api/me",
        );
        assert.equal(me.status, 200);
        assert.equal(me.body.user.username, "Alice");
      },
    );

    await t.step(
      "the session cookie authenticates like a bearer token",
      async () => {
        const login = await anon.post("/api/auth/login", {
          username: "alice",
          password: "password1",
        });
        const cookie = login.headers.get("set-cookie")!.split(";")[0];
        const me = await anon.request("GET", "/api/me", undefined, { cookie });
        assert.equal(me.status, 200);
      },
    );

    await t.step(
      "authenticated endpoints answer 401 without credentials",
      async () => {
        for (const path of ["/api/me", "/api/groups"]) {
          const res = await anon.get(path);
          assert.equal(res.status, 401);
          assert.equal(res.body.error.code, "unauthorized");
        }
        const bad = await new ApiClient(server.url, "garbage").get("/api/me");
        assert.equal(bad.status, 401);
      },
    );

    await t.step(
      "logout ends the session: its token stops working",
      async () => {
        const { api } = await newUser(server.url);
        assert.equal((await api.post("/api/auth/logout")).status, 204);
        assert.equal((await api.get("/api/me")).status, 401);
      },
    );

    await t.step(
      "groups: create, list with unread_count, public join, invite join, leave",
      async () => {
        const owner = await newUser(server.url);
        const other = await newUser(server.url);
        const created = await owner.api.post("/api/groups", {
          name: "  Rust  ",
          public: true,
        });
        assert.equal(created.status, 201);
        const group = created.body.group;
        assert.equal(group.name, "Rust");
        assert.equal(group.public, true);
        assert.equal(group.owner_id, owner.user.id);
        assert.equal(typeof group.invite_code, "string");
        assert.ok(!Number.isNaN(Date.parse(group.created_at)));

        const list = await owner.api.get("/api/groups");
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.groups.map((g: { id: string }) => g.id), [
          group.id,
        ]);
        assert.equal(list.body.groups[0].unread_count, 0);
        assert.equal(list.body.groups[0].last_read_seq, 0);

        const join = await other.api.post(`/api/groups/${group.id}/join`, {});
        assert.equal(join.status, 200);
        assert.equal(join.body.group.id, group.id);
        assert.equal(
          (await other.api.post(`/api/groups/${group.id}/join`)).status,
          200,
          "joining twice",
        );

        const secret = await newGroup(owner.api, "secret", false);
        const noCode = await other.api.post(
          `/api/groups/${secret.id}/join`,
          {},
        );
        assert.equal(noCode.status, 403);
        const wrongCode = await other.api.post(
          `/api/groups/${secret.id}/join`,
          { invite_code: "nope" },
        );
        assert.equal(wrongCode.status, 403);
        const withCode = await other.api.post(`/api/groups/${secret.id}/join`, {
          invite_code: secret.invite_code,
        });
        assert.equal(withCode.status, 200);

        assert.equal(
          (await other.api.post(`/api/groups/${secret.id}/leave`)).status,
          204,
        );
        assert.equal(
          (await other.api.get(`/api/groups/${secret.id}/messages`)).status,
          403,
        );
        assert.equal(
          (await other.api.post(`/api/groups/${secret.id}/leave`)).status,
          204,
          "leaving twice is a no-op, like joining twice",
        );
        assert.equal(
          (await other.api.post(`/api/groups/unknown/join`, {})).status,
          404,
        );
      },
    );

    await t.step("group creation validates its body", async () => {
      const { api } = await newUser(server.url);
      for (
        const body of [{}, { name: "" }, { name: "   " }, {
          name: "x".repeat(101),
        }, { name: "ok", public: "yes" }]
      ) {
        const res = await api.post("/api/groups", body);
        assert.equal(res.status, 400, JSON.stringify(body));
      }
    });

    await t.step(
      "members lists users with an online flag and role (§6), for members only",
      async () => {
        const owner = await newUser(server.url);
        const outsider = await newUser(server.url);
        const group = await newGroup(owner.api);
        const res = await owner.api.get(`/api/groups/${group.id}/members`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.members, [
          { ...owner.user, online: false, role: "owner" },
        ]);
        assert.equal(
          (await outsider.api.get(`/api/groups/${group.id}/members`)).status,
          403,
        );
      },
    );

    await t.step(
      "messages: HTTP send answers 201 and history pages by seq, oldest first",
      async () => {
        const owner = await newUser(server.url);
        const group = await newGroup(owner.api);
        for (let i = 1; i <= 7; i++) {
          const res = await owner.api.post(`/api/groups/${group.id}/messages`, {
            text: `m${i}`,
          });
          assert.equal(res.status, 201);
          assert.equal(res.body.message.seq, i);
          assert.equal(res.body.message.nonce, null);
          assert.deepEqual(res.body.message.author, owner.user);
        }
        const newest = await owner.api.get(
          `/api/groups/${group.id}/messages?limit=3`,
        );
        assert.equal(newest.status, 200);
        assert.deepEqual(
          newest.body.messages.map((m: { seq: number }) => m.seq),
          [5, 6, 7],
        );
        assert.equal(newest.body.has_more, true);
        const older = await owner.api.get(
          `/api/groups/${group.id}/messages?before_seq=5&limit=3`,
        );
        assert.deepEqual(
          older.body.messages.map((m: { text: string }) => m.text),
          ["m2", "m3", "m4"],
        );
        const oldest = await owner.api.get(
          `/api/groups/${group.id}/messages?before_seq=2&limit=3`,
        );
        assert.deepEqual(
          oldest.body.messages.map((m: { seq: number }) => m.seq),
          [1],
        );
        assert.equal(oldest.body.has_more, false);
        const all = await owner.api.get(`/api/groups/${group.id}/messages`);
        assert.equal(all.body.messages.length, 7);
      },
    );

    await t.step(
      "HTTP send is idempotent by nonce and validates text",
      async () => {
        const owner = await newUser(server.url);
        const group = await newGroup(owner.api);
        const first = await owner.api.post(`/api/groups/${group.id}/messages`, {
          text: "once",
          nonce: "abc",
        });
        const again = await owner.api.post(`/api/groups/${group.id}/messages`, {
          text: "once",
          nonce: "abc",
        });
        assert.equal(again.body.message.id, first.body.message.id);
        assert.equal(again.body.message.seq, 1);
        for (
          const body of [{ text: "" }, { text: "   " }, {
            text: "x".repeat(4001),
          }, { text: "ok", nonce: "n".repeat(65) }]
        ) {
          assert.equal(
            (await owner.api.post(`/api/groups/${group.id}/messages`, body))
              .status,
            400,
          );
        }
        assert.equal(
          (await owner.api.post(`/api/groups/${group.id}/messages`, {
            text: "x".repeat(4000),
          })).status,
          201,
        );
      },
    );

    await t.step(
      "history limits are validated and non-members get 403",
      async () => {
        const owner = await newUser(server.url);
        const outsider = await newUser(server.url);
        const group = await newGroup(owner.api);
        for (const q of ["limit=0", "limit=101", "limit=abc", "before_seq=0"]) {
          assert.equal(
            (await owner.api.get(`/api/groups/${group.id}/messages?${q}`))
              .status,
            400,
            q,
          );
        }
        const res = await outsider.api.get(`/api/groups/${group.id}/messages`);
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, "forbidden");
        assert.equal(
          (await outsider.api.post(`/api/groups/${group.id}/messages`, {
            text: "hi",
          })).status,
          403,
        );
      },
    );

    await t.step(
      "a body over 64 KiB is refused with 413 too_large",
      async () => {
        const { api } = await newUser(server.url);
        const res = await api.post("/api/groups", { name: "x".repeat(70_000) });
        assert.equal(res.status, 413);
        assert.equal(res.body.error.code, "too_large");
      },
    );

    await t.step(
      "healthz and readyz answer 200 with the embedded adapters",
      async () => {
        assert.equal((await anon.get("/healthz")).status, 200);
        const ready = await anon.get("/readyz");
        assert.equal(ready.status, 200);
        assert.deepEqual(ready.body, { bus: "ok", store: "ok" });
      },
    );

    await t.step(
      "a malformed or oversized group id answers 404, never a server error",
      async () => {
        const { api } = await newUser(server.url);
        for (const id of ["x".repeat(5000), "a%20b", "..%2F..%2Fetc"]) {
          const res = await api.get(`/api/groups/${id}/messages`);
          assert.equal(res.status, 404, id.slice(0, 20));
          assert.equal(res.body.error.code, "not_found");
        }
      },
    );

    await t.step("unknown API paths answer a JSON 404", async () => {
      const res = await anon.get("/api/nope");
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, "not_found");
    });
  });
});

Deno.test("HTTP rate limits", integration, async (t) => {
  await withServer({
    AUTH_RATE_BURST: "3",
    AUTH_RATE_PER_MIN: "1",
    RATE_MESSAGES_BURST: "2",
    RATE_MESSAGES_PER_SEC: "1",
  }, async (server) => {
    const anon = new ApiClient(server.url);
    const alice = await newUser(server.url, "alice");
    const group = await newGroup(alice.api);

    await t.step(
      "login attempts past the per-address budget get 429 rate_limited with Retry-After",
      async () => {
        const attempt = () =>
          anon.post("/api/auth/login", {
            username: "alice",
            password: "wrong pass",
          });
        assert.equal((await attempt()).status, 401);
        assert.equal((await attempt()).status, 401);
        const limited = await attempt();
        assert.equal(limited.status, 429);
        assert.equal(limited.body.error.code, "rate_limited");
        assert.ok(limited.body.error.retry_after_ms > 0);
        assert.ok(Number(limited.headers.get("retry-after")) > 0);
        const right = await anon.post("/api/auth/login", {
          username: "alice",
          password: "correct horse",
        });
        assert.equal(
          right.status,
          429,
          "the budget is per address, not per outcome",
        );
      },
    );

    await t.step(
      "HTTP sends share the per-user message budget and are not applied when limited",
      async () => {
        const send = (text: string) =>
          alice.api.post(`/api/groups/${group.id}/messages`, { text });
        assert.equal((await send("one")).status, 201);
        assert.equal((await send("two")).status, 201);
        const limited = await send("three");
        assert.equal(limited.status, 429);
        const history = await alice.api.get(`/api/groups/${group.id}/messages`);
        assert.deepEqual(
          history.body.messages.map((m: { text: string }) => m.text),
          ["one", "two"],
        );
      },
    );
  });
});
