/** `GET /login?next=…`: only same-origin paths ever come out of `next`, on a real process. */
import assert from "node:assert/strict";
import { newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { safeNextPath } from "../../lib/ui/urls.ts";

/** `next` values that try to leave the site; each must redirect to "/". */
const escapes = [
  "//evil.example/phish",
  "/\\evil.example/phish",
  "/.//evil.example/phish",
  "/%2e//evil.example/phish",
  "/%2E//evil.example/phish",
  "/a/..//evil.example/phish",
  "/a/%2e%2e//evil.example/phish",
  "/./\\evil.example/phish",
  "/.\\/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r//evil.example",
  "/ /evil.example",
  "/\u0000/evil.example",
  "\\/evil.example",
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(1)",
  "evil.example",
];

/** Query strings sent as they are: double encodings and malformed escapes. */
const rawQueries = [
  "next=/%252e//evil.example",
  "next=%2F%2Fevil.example",
  "next=/%5C%5Cevil.example",
  "next=%ED%A0%80",
  "next=%E0%A4%A",
  "next=/%0d%0aLocation:%20//evil.example",
];

/** `next` values that stay on the site, with where they must lead. */
const stays: Array<[string, string]> = [
  ["/", "/"],
  ["/?group=g1", "/?group=g1"],
  ["/join/g1?code=abc", "/join/g1?code=abc"],
  ["/a/../join/g1", "/join/g1"],
  ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ["/x#frag", "/x#frag"],
];

Deno.test("safeNextPath() answers only same-origin paths", () => {
  for (const next of [...escapes, "/\uD800"]) {
    assert.equal(safeNextPath(next), "/", next);
  }
  for (const [next, to] of stays) assert.equal(safeNextPath(next), to, next);
});

Deno.test(
  "GET /login?next= never redirects to another origin",
  integration,
  async (t) => {
    await withServer({}, async (server) => {
      const { token } = await newUser(server.url);
      const origin = new URL(server.url).origin;
      const redirectOf = async (next: string, raw = false) => {
        const query = raw ? next : `next=${encodeURIComponent(next)}`;
        const res = await fetch(
          `${server.url}/login?${query}`,
          {
            headers: { cookie: `salvioris_session=${token}` },
            redirect: "manual",
          },
        );
        await res.body?.cancel();
        assert.equal(res.status, 302, next);
        return res.headers.get("location")!;
      };

      await t.step("every escape attempt lands on / of this site", async () => {
        for (const next of escapes) {
          const location = await redirectOf(next);
          assert.equal(location, "/", JSON.stringify(next));
          assert.equal(new URL(location, server.url).origin, origin);
        }
        for (const query of rawQueries) {
          const location = await redirectOf(query, true);
          assert.ok(location.startsWith("/"), query);
          assert.ok(!/^\/[\/\\]/.test(location), `${query} → ${location}`);
          assert.equal(new URL(location, server.url).origin, origin, query);
        }
      });

      await t.step("same-origin paths are kept", async () => {
        for (const [next, to] of stays) {
          assert.equal(await redirectOf(next), to, next);
        }
      });
    });
  },
);
