import assert from "node:assert/strict";
import { ApiClient, ApiError } from "../../lib/ui/api_client.ts";

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function client(handler: Handler, token?: string) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(handler(url, init));
  }) as typeof globalThis.fetch;
  return { api: new ApiClient({ fetch, token }), calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  throw new Error("expected a rejection");
}

Deno.test("login posts JSON credentials and returns the session", async () => {
  const user = { id: "u1", username: "alice" };
  const { api, calls } = client(() => json(200, { user, token: "t" }));
  assert.deepEqual(await api.login("alice", "secret123"), { user, token: "t" });
  assert.equal(calls[0].url, "/api/auth/login");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(
    calls[0].init.body,
    JSON.stringify({ username: "alice", password: "secret123" }),
  );
  assert.equal(
    (calls[0].init.headers as Record<string, string>)["content-type"],
    "application/json",
  );
});

Deno.test("the server's error message is shown when it is a short sentence", async () => {
  const { api } = client(() =>
    json(409, {
      error: { code: "conflict", message: "That username is taken" },
    })
  );
  const e = await failure(api.register("alice", "secret123"));
  assert.deepEqual([e.status, e.code, e.message], [
    409,
    "conflict",
    "That username is taken",
  ]);
});

Deno.test("error bodies that are not readable become a sentence chosen by status", async () => {
  const { api } = client(() =>
    new Response("<html>Bad Gateway</html>", { status: 502 })
  );
  const e = await failure(api.groups());
  assert.equal(e.code, "internal");
  assert.equal(e.message, "Something went wrong on the server. Try again.");
  const stack = client(() =>
    json(400, {
      error: {
        code: "bad_request",
        message: "TypeError: x\n    at foo (a.ts:1)",
      },
    })
  );
  assert.equal(
    (await failure(stack.api.groups())).message,
    "The server did not accept that.",
  );
});

Deno.test("a 5xx never shows the server's own text", async () => {
  const { api } = client(() =>
    json(500, { error: { code: "internal", message: "db exploded" } })
  );
  assert.equal(
    (await failure(api.me())).message,
    "Something went wrong on the server. Try again.",
  );
});

Deno.test("a network failure says the server cannot be reached", async () => {
  const fetch = (() =>
    Promise.reject(
      new TypeError("Failed to fetch"),
    )) as typeof globalThis.fetch;
  const e = await failure(new ApiClient({ fetch }).groups());
  assert.deepEqual([e.status, e.code], [0, "network"]);
  assert.equal(e.message, "Cannot reach the server. Check your connection.");
});

Deno.test("history requests carry before_seq and limit; ids are URL-encoded", async () => {
  const { api, calls } = client(() =>
    json(200, { messages: [], has_more: false })
  );
  await api.messages("g/1", { beforeSeq: 71, limit: 50 });
  await api.messages("g1");
  assert.equal(
    calls[0].url,
    "/api/groups/g%2F1/messages?before_seq=71&limit=50",
  );
  assert.equal(calls[1].url, "/api/groups/g1/messages");
});

Deno.test("204 answers resolve and a bearer token is sent when given", async () => {
  const { api, calls } = client(
    () => new Response(null, { status: 204 }),
    "tok",
  );
  await api.leaveGroup("g1");
  const headers = calls[0].init.headers as Record<string, string>;
  assert.equal(headers.authorization, "Bearer tok");
  assert.equal(calls[0].url, "/api/groups/g1/leave");
});

Deno.test("joining sends the invite code only when there is one", async () => {
  const g = {
    id: "g1",
    name: "x",
    public: true,
    owner_id: "u",
    created_at: "",
  };
  const { api, calls } = client(() => json(200, { group: g }));
  await api.joinGroup("g1", "abc");
  await api.joinGroup("g1");
  assert.equal(calls[0].init.body, JSON.stringify({ invite_code: "abc" }));
  assert.equal(calls[1].init.body, "{}");
});

Deno.test("the §4 calls use the documented methods and paths, the emoji URL-encoded", async () => {
  const message = { id: "m", seq: 3 };
  const { api, calls } = client(() =>
    json(200, { message, messages: [], has_more: false })
  );
  await api.messages("g 1", { aroundSeq: 40, limit: 20 });
  await api.messages("g1", { afterSeq: 7 });
  await api.message("g1", 3);
  await api.editMessage("g1", 3, "new text");
  await api.deleteMessage("g1", 3);
  await api.setReaction({ groupId: "g1", seq: 3, emoji: "👍🏽" }, true);
  await api.setReaction({ groupId: "g1", seq: 3, emoji: "👍🏽" }, false);
  assert.deepEqual(calls.map((c) => `${c.init.method} ${c.url}`), [
    "GET /api/groups/g%201/messages?around_seq=40&limit=20",
    "GET /api/groups/g1/messages?after_seq=7",
    "GET /api/groups/g1/messages/3",
    "PATCH /api/groups/g1/messages/3",
    "DELETE /api/groups/g1/messages/3",
    `PUT /api/groups/g1/messages/3/reactions/${encodeURIComponent("👍🏽")}`,
    `DELETE /api/groups/g1/messages/3/reactions/${encodeURIComponent("👍🏽")}`,
  ]);
  assert.equal(calls[3].init.body, JSON.stringify({ text: "new text" }));
});
