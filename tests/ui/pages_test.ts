import assert from "node:assert/strict";
import { pageRoutes } from "../../routes/pages.tsx";
import type { User } from "../../lib/protocol/types.ts";

const nasty: User = { id: "u1", username: "al</script><b>ice" };

function app(user: User | null | "broken" = null) {
  return pageRoutes({
    userFromRequest: () =>
      user === "broken"
        ? Promise.reject(new Error("kv down at x.ts:1"))
        : Promise.resolve(user),
  });
}

const get = (
  a: ReturnType<typeof app>,
  path: string,
  headers: HeadersInit = {},
) => a.request(`http://chat.test${path}`, { headers });

Deno.test("GET / sends a visitor who is not signed in to /login", async () => {
  const res = await get(app(), "/");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "/login");
  const deep = await get(app(), "/?group=g1");
  assert.equal(deep.headers.get("location"), "/login?next=%2F%3Fgroup%3Dg1");
});

Deno.test("GET / renders the chat island with its props escaped for the script tag", async () => {
  const res = await get(app(nasty), "/?group=g7");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(
    res.headers.get("content-security-policy") ?? "",
    /script-src 'self'/,
  );
  const html = await res.text();
  assert.ok(html.startsWith("<!doctype html>"));
  assert.match(html, /data-island="chat_app" data-props="chat_app-props"/);
  const json =
    /<script type="application\/json" id="chat_app-props">(.*?)<\/script>/.exec(
      html,
    );
  assert.ok(json, "props script present");
  assert.ok(!json[1].includes("<"), "no raw < inside the props JSON");
  assert.deepEqual(JSON.parse(json[1]), { user: nasty, initialGroupId: "g7" });
  assert.ok(!html.includes("<b>ice"), "the username is never markup");
  assert.match(
    html,
    /<link rel="stylesheet" href="\/static\/app.css\?v=[0-9a-f]{16}"/,
  );
});

Deno.test("GET /login and /register render the auth form; signed-in users go to next", async () => {
  const login = await (await get(app(), "/login?next=/join/g1%3Fcode%3Dx"))
    .text();
  assert.match(login, /data-island="auth_form"/);
  assert.match(login, /"mode":"login","next":"\/join\/g1\?code=x"/);
  const register = await (await get(app(), "/register")).text();
  assert.match(register, /Create your account/);
  const signedIn = await get(app(nasty), "/login?next=/join/g1");
  assert.equal(signedIn.headers.get("location"), "/join/g1");
  const evil = await get(app(nasty), "/login?next=//evil.example");
  assert.equal(evil.headers.get("location"), "/");
});

Deno.test("POST /login never takes credentials from a form; it asks for JavaScript", async () => {
  const res = await app().request("http://chat.test/login", {
    method: "POST",
    body: new URLSearchParams({ username: "a", password: "b" }),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/login?nojs=1");
  const page = await (await get(app(), "/login?nojs=1")).text();
  assert.match(page, /Turn on JavaScript to continue\./);
});

Deno.test("GET /join/:id asks for login first, then renders the join island", async () => {
  const out = await get(app(), "/join/g1?code=abc");
  assert.equal(
    out.headers.get("location"),
    "/login?next=%2Fjoin%2Fg1%3Fcode%3Dabc",
  );
  const html = await (await get(app(nasty), "/join/g1?code=abc")).text();
  assert.match(html, /data-island="join_invite"/);
  assert.match(html, /"groupId":"g1","code":"abc"/);
});

Deno.test("a failing session store gets a plain 503 page without details", async () => {
  const res = await get(app("broken"), "/");
  assert.equal(res.status, 503);
  const body = await res.text();
  assert.ok(!body.includes("kv down") && !body.includes("{"));
});

Deno.test("static files have their type, an ETag, and a year of cache only when versioned", async () => {
  const a = app();
  const plain = await get(a, "/static/app.css");
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get("content-type"), "text/css; charset=utf-8");
  assert.equal(plain.headers.get("cache-control"), "no-cache");
  const etag = plain.headers.get("etag") ?? "";
  await plain.body?.cancel();
  const version = etag.replaceAll('"', "");
  const versioned = await get(a, `/static/app.css?v=${version}`, {
    "accept-encoding": "gzip",
  });
  assert.equal(
    versioned.headers.get("cache-control"),
    "public, max-age=31536000, immutable",
  );
  assert.equal(versioned.headers.get("content-encoding"), "gzip");
  await versioned.body?.cancel();
  const again = await get(a, "/static/app.css", { "if-none-match": etag });
  assert.equal(again.status, 304);
  const icon = await get(a, "/static/favicon.svg");
  assert.equal(icon.headers.get("content-type"), "image/svg+xml");
  await icon.body?.cancel();
});

Deno.test("only the listed static files are served, whatever the path", async () => {
  for (
    const path of [
      "/static/../deno.json",
      "/static/%2e%2e/deno.json",
      "/static/build/assets.ts",
    ]
  ) {
    const res = await get(app(), path);
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
});

Deno.test("/login?expired shows the form even with a session, so a 4001 cannot loop", async () => {
  const html = await (await get(app(nasty), "/login?next=%2F&expired=1"))
    .text();
  assert.match(html, /Your session has ended\. Please log in again\./);
});

Deno.test("an unknown page is a 404 in HTML, not JSON", async () => {
  const res = await get(app(), "/no/such/page");
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await res.text(), /Page not found/);
});
