/**
 * The browser-facing edge of the HTTP API on a real process: CSRF (JSON bodies only, no
 * cross-site writes), malformed session cookies, security headers and field bounds.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";

const allowed = "https://chat.example";

/** Sends a raw HTTP/1.1 request and answers the status code of the reply. */
async function rawStatus(port: number, lines: string[]): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const head = [...lines, `Host: 127.0.0.1:${port}`].join("\r\n");
    await conn.write(new TextEncoder().encode(head + "\r\n\r\n"));
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    return Number(
      new TextDecoder().decode(buf.subarray(0, n ?? 0)).split(" ")[1],
    );
  } finally {
    conn.close();
  }
}

Deno.test("HTTP edge: CSRF", integration, async (t) => {
  await withServer({ ALLOWED_ORIGINS: allowed }, async (server) => {
    const alice = await newUser(server.url);
    const anonymous = new ApiClient(server.url);

    await t.step(
      "a text/plain login (a cross-site form) answers 415 and sets no session",
      async () => {
        const body = JSON.stringify({
          username: alice.user.username,
          password: "correct horse",
        });
        for (
          const type of [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
          ]
        ) {
          const res = await anonymous.request("POST", "/api/auth/login", body, {
            "content-type": type,
          });
          assert.equal(res.status, 415, type);
          assert.equal(res.body.error.code, "bad_request");
          assert.match(res.body.error.message, /application\/json/);
          assert.equal(res.headers.get("set-cookie"), null);
        }
      },
    );

    await t.step("a body without any Content-Type answers 415", async () => {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        body: new TextEncoder().encode(
          JSON.stringify({ username: "x", password: "y" }),
        ),
      });
      await res.body?.cancel();
      assert.equal(res.status, 415);
    });

    await t.step(
      "a text/plain register creates no account, and a text/plain message posts nothing",
      async () => {
        const res = await anonymous.request(
          "POST",
          "/api/auth/register",
          JSON.stringify({ username: "mallory_csrf", password: "12345678" }),
          { "content-type": "text/plain" },
        );
        assert.equal(res.status, 415);
        const login = await anonymous.post("/api/auth/login", {
          username: "mallory_csrf",
          password: "12345678",
        });
        assert.equal(login.status, 401);

        const group = await newGroup(alice.api);
        const sent = await alice.api.request(
          "POST",
          `/api/groups/${group.id}/messages`,
          JSON.stringify({ text: "posted by a form" }),
          { "content-type": "text/plain;charset=UTF-8" },
        );
        assert.equal(sent.status, 415);
        const history = await alice.api.get(`/api/groups/${group.id}/messages`);
        assert.deepEqual(history.body.messages, []);
      },
    );

    await t.step("application/json with a charset is accepted", async () => {
      const res = await anonymous.request(
        "POST",
        "/api/auth/login",
        JSON.stringify({
          username: alice.user.username,
          password: "correct horse",
        }),
        { "content-type": "application/json; charset=UTF-8" },
      );
      assert.equal(res.status, 200);
    });

    await t.step(
      "writes from a foreign Origin or a cross-site/same-site fetch answer 403 and change nothing",
      async () => {
        const refused: Array<Record<string, string>> = [
          { origin: "https://evil.example" },
          { origin: "null" },
          { origin: `http://evil.127.0.0.1.nip.io:${server.port}` },
          { "sec-fetch-site": "cross-site" },
          { "sec-fetch-site": "same-site" },
          { origin: server.url, "sec-fetch-site": "same-site" },
        ];
        for (const headers of refused) {
          const res = await alice.api.request(
            "POST",
            "/api/groups",
            { name: "csrf" },
            headers,
          );
          assert.equal(res.status, 403, JSON.stringify(headers));
          assert.equal(res.body.error.code, "forbidden");
          const logout = await alice.api.request(
            "POST",
            "/api/auth/logout",
            undefined,
            headers,
          );
          assert.equal(logout.status, 403, JSON.stringify(headers));
        }
        const login = await anonymous.request("POST", "/api/auth/login", {
          username: alice.user.username,
          password: "correct horse",
        }, { "sec-fetch-site": "cross-site" });
        assert.equal(login.status, 403);
        assert.equal(login.headers.get("set-cookie"), null);
        const groups = await alice.api.get("/api/groups");
        assert.equal(groups.status, 200, "the session still works");
        assert.deepEqual(
          groups.body.groups.filter((g: { name: string }) => g.name === "csrf"),
          [],
        );
      },
    );

    await t.step(
      "same-origin pages, listed origins and non-browser clients may write",
      async () => {
        const accepted: Array<Record<string, string>> = [
          {},
          { origin: server.url, "sec-fetch-site": "same-origin" },
          { "sec-fetch-site": "none" },
          { origin: allowed, "sec-fetch-site": "cross-site" },
        ];
        for (const headers of accepted) {
          const res = await alice.api.request(
            "POST",
            "/api/groups",
            { name: "fine" },
            headers,
          );
          assert.equal(res.status, 201, JSON.stringify(headers));
        }
      },
    );

    await t.step(
      "reads stay open to any site (CORS still guards them)",
      async () => {
        const res = await alice.api.request("GET", "/api/me", undefined, {
          origin: "https://evil.example",
          "sec-fetch-site": "cross-site",
        });
        assert.equal(res.status, 200);
      },
    );

    await t.step(
      "the HTML form pages refuse cross-site posts too",
      async () => {
        const res = await fetch(`${server.url}/login`, {
          method: "POST",
          headers: {
            origin: "https://evil.example",
            "content-type": "application/x-www-form-urlencoded",
          },
          body: "username=a&password=b",
          redirect: "manual",
        });
        await res.body?.cancel();
        assert.equal(res.status, 403);
      },
    );
  });
});

Deno.test(
  "HTTP edge: a malformed session cookie means no session",
  integration,
  async (t) => {
    await withServer({}, async (server) => {
      const cookie = { cookie: "salvioris_session=%E0%A4%A" };

      await t.step(
        "pages redirect to login instead of answering 503",
        async () => {
          const res = await fetch(`${server.url}/`, {
            headers: cookie,
            redirect: "manual",
          });
          await res.body?.cancel();
          assert.equal(res.status, 302);
          assert.equal(res.headers.get("location"), "/login");
          const login = await fetch(`${server.url}/login`, { headers: cookie });
          const html = await login.text();
          assert.equal(login.status, 200);
          assert.doesNotMatch(html, /URIError|at \w+ \(/);
        },
      );

      await t.step(
        "the API answers 401 unauthorized, with no stack trace",
        async () => {
          for (const path of ["/api/me", "/api/groups"]) {
            const res = await fetch(server.url + path, { headers: cookie });
            const body = await res.json();
            assert.equal(res.status, 401, path);
            assert.equal(body.error.code, "unauthorized");
          }
          const logout = await fetch(`${server.url}/api/auth/logout`, {
            method: "POST",
            headers: cookie,
          });
          await logout.body?.cancel();
          assert.equal(logout.status, 204);
        },
      );

      await t.step(
        "the upgrade opens an unidentified socket that may still identify",
        async () => {
          const bob = await newUser(server.url);
          const c = await GatewayClient.connect(server.wsUrl, {
            headers: cookie,
            waitReady: false,
          });
          c.send({ type: "identify", token: bob.token });
          const ready = await c.nextOf("ready");
          assert.deepEqual(ready.user, bob.user);
          await c.close();
        },
      );
      assert.doesNotMatch(server.output(), /URIError/);
    });
  },
);

Deno.test("HTTP edge: security headers and HTTPS", integration, async (t) => {
  await withServer({}, async (server) => {
    const alice = await newUser(server.url);
    const login = (headers: Record<string, string> = {}) =>
      new ApiClient(server.url).request("POST", "/api/auth/login", {
        username: alice.user.username,
        password: "correct horse",
      }, headers);

    await t.step(
      "API answers are no-store and nosniff, errors included",
      async () => {
        for (
          const res of [
            await alice.api.get("/api/me"),
            await login(),
            await alice.api.get("/api/nothing-here"),
            await new ApiClient(server.url).get("/api/groups"),
          ]
        ) {
          assert.equal(res.headers.get("cache-control"), "no-store");
          assert.equal(res.headers.get("x-content-type-options"), "nosniff");
        }
      },
    );

    await t.step("over plain HTTP: no HSTS and no Secure cookie", async () => {
      const res = await login();
      assert.equal(res.headers.get("strict-transport-security"), null);
      assert.doesNotMatch(res.headers.get("set-cookie")!, /Secure/i);
    });

    await t.step(
      "behind a proxy that says https: HSTS on API and pages, and a Secure cookie",
      async () => {
        const https = { "x-forwarded-proto": "https" };
        const res = await login(https);
        assert.match(
          res.headers.get("strict-transport-security") ?? "",
          /max-age=\d+/,
        );
        assert.match(res.headers.get("set-cookie")!, /;\s*Secure/i);
        assert.match(res.headers.get("set-cookie")!, /HttpOnly/i);
        assert.match(res.headers.get("set-cookie")!, /SameSite=Lax/i);
        const page = await fetch(`${server.url}/login`, { headers: https });
        await page.body?.cancel();
        assert.ok(page.headers.get("strict-transport-security"));
        const chained = await login({ "x-forwarded-proto": "https, http" });
        assert.match(chained.headers.get("set-cookie")!, /;\s*Secure/i);
      },
    );
  });
});

Deno.test(
  "HTTP edge: every field is bounded before the store",
  integration,
  async (t) => {
    await withServer({}, async (server) => {
      const alice = await newUser(server.url);
      const anonymous = new ApiClient(server.url);

      await t.step(
        "an over-long username or password at login answers 400, not 500",
        async () => {
          for (
            const body of [
              { username: "u".repeat(3000), password: "correct horse" },
              { username: "u".repeat(33), password: "correct horse" },
              { username: alice.user.username, password: "p".repeat(10_000) },
            ]
          ) {
            const res = await anonymous.post("/api/auth/login", body);
            assert.equal(res.status, 400);
            assert.equal(res.body.error.code, "bad_request");
          }
          const res = await anonymous.post("/api/auth/register", {
            username: "u".repeat(3000),
            password: "correct horse",
          });
          assert.equal(res.status, 400);
        },
      );

      await t.step(
        "over-long ids, codes and queries answer 4xx, not 500",
        async () => {
          const long = "g".repeat(3000);
          const group = await newGroup(alice.api);
          for (
            const [method, path, body] of [
              ["GET", `/api/groups/${long}/messages`],
              ["POST", `/api/groups/${long}/join`, {}],
              ["POST", `/api/groups/${group.id}/join`, { invite_code: long }],
              ["GET", `/api/groups/${group.id}/messages?before_seq=1e400`],
              [
                "GET",
                `/api/groups/${group.id}/messages?limit=${"9".repeat(400)}`,
              ],
              ["POST", `/api/groups`, { name: "n".repeat(3000) }],
            ] as Array<[string, string, unknown?]>
          ) {
            const res = await alice.api.request(method, path, body);
            assert.ok(
              res.status >= 400 && res.status < 500,
              `${method} ${path.slice(0, 60)}: ${res.status}`,
            );
          }
        },
      );

      await t.step("a malformed upgrade answers 400, not 500", async () => {
        const base = ["GET /gateway HTTP/1.1", "Upgrade: websocket"];
        assert.equal(await rawStatus(server.port, base), 400);
        assert.equal(
          await rawStatus(server.port, [...base, "Connection: Upgrade"]),
          400,
        );
        assert.equal(
          await rawStatus(server.port, [
            ...base,
            "Connection: keep-alive",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
          ]),
          400,
        );
      });
      assert.doesNotMatch(server.output(), /Key too large|unexpected error/);
    });
  },
);
