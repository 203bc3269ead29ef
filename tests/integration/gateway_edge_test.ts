/**
 * Protocol holes on real sockets: one socket, one identity; `read` publishes only an advance;
 * the text rules on the socket path; a leave racing a subscribe leaves no live link.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { startInProcess } from "../helpers/in_process.ts";
import type { Store } from "../../lib/store/store.ts";

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > giveUpAt) throw new Error(`never true: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Opens a socket with a session cookie and sends `identify` the moment it opens, racing the
 * server's own cookie `ready`; answers once a `ready` came (its frames are all kept).
 */
async function cookieSocketRacingIdentify(
  wsUrl: string,
  cookieToken: string,
  identifyToken: string,
): Promise<GatewayClient> {
  const client = await GatewayClient.connect(wsUrl, {
    headers: { cookie: `salvioris_session=${cookieToken}` },
    waitReady: false,
  });
  client.send({ type: "identify", token: identifyToken, ref: "second" });
  await client.nextOf("ready");
  return client;
}

Deno.test("one socket, one identity", integration, async (t) => {
  await withServer({}, async (server) => {
    const alice = await newUser(server.url);
    const bob = await newUser(server.url);
    const carol = await newUser(server.url);
    const shared = await newGroup(carol.api, "shared");
    await alice.api.post(`/api/groups/${shared.id}/join`, {});
    await bob.api.post(`/api/groups/${shared.id}/join`, {});
    const secret = await newGroup(bob.api, "bob's private", false);
    const online = async (userId: string) => {
      const res = await carol.api.get(`/api/groups/${shared.id}/members`);
      return res.body.members.find((m: Frame) => m.id === userId)?.online;
    };

    await t.step(
      "an identify racing the cookie's ready gets bad_request and one ready only",
      async () => {
        for (let i = 0; i < 10; i++) {
          const c = await cookieSocketRacingIdentify(
            server.wsUrl,
            alice.token,
            bob.token,
          );
          const error = await c.next((f) => f.ref === "second");
          assert.equal(error.type, "error");
          assert.equal(error.code, "bad_request");
          await c.roundTrip();
          const readies = c.received.filter((f) => f.type === "ready");
          assert.equal(readies.length, 1);
          assert.deepEqual(readies[0].user, alice.user);

          c.send({ type: "subscribe", group_ids: [secret.id], ref: "leak" });
          const refused = await c.next((f) =>
            f.type === "error" && f.ref === "leak"
          );
          assert.equal(refused.code, "forbidden");
          assert.equal(refused.group_id, secret.id);
          await c.close();
        }
      },
    );

    await t.step("a second identify after ready changes nothing", async () => {
      const c = await GatewayClient.connect(server.wsUrl, {
        token: alice.token,
      });
      c.send({ type: "identify", token: bob.token, ref: "again" });
      const error = await c.next((f) => f.ref === "again");
      assert.equal(error.code, "bad_request");
      await c.roundTrip();
      assert.equal(c.received.filter((f) => f.type === "ready").length, 1);
      await c.close();
    });

    await t.step(
      "after those sockets close, neither user stays online",
      async () => {
        await eventually(
          async () =>
            !await online(alice.user.id) && !await online(bob.user.id),
          "alice and bob offline",
        );
      },
    );

    await t.step(
      "a private group's messages never reach the refused identity",
      async () => {
        const c = await cookieSocketRacingIdentify(
          server.wsUrl,
          alice.token,
          bob.token,
        );
        await c.next((f) => f.ref === "second");
        c.send({ type: "subscribe", group_ids: [secret.id] });
        await c.nextOf("subscribed");
        const bobSocket = await GatewayClient.connect(server.wsUrl, {
          token: bob.token,
        });
        bobSocket.send({ type: "subscribe", group_ids: [secret.id] });
        await bobSocket.nextOf("subscribed");
        await bob.api.post(`/api/groups/${secret.id}/messages`, {
          text: "for bob only",
        });
        await bobSocket.nextOf("message");
        await c.roundTrip();
        assert.deepEqual(c.received.filter((f) => f.type === "message"), []);
        await Promise.all([c.close(), bobSocket.close()]);
      },
    );
  });
});

Deno.test(
  "read frames that do not move the read position publish nothing",
  integration,
  async () => {
    await withServer({}, async (server) => {
      const alice = await newUser(server.url);
      const bob = await newUser(server.url);
      const group = await newGroup(alice.api);
      await bob.api.post(`/api/groups/${group.id}/join`, {});
      const a = await GatewayClient.connect(server.wsUrl, {
        token: alice.token,
      });
      const b = await GatewayClient.connect(server.wsUrl, { token: bob.token });
      for (const c of [a, b]) {
        c.send({ type: "subscribe", group_ids: [group.id] });
        await c.nextOf("subscribed");
      }
      const say = async (text: string) => {
        a.send({ type: "message", group_id: group.id, text, nonce: text });
        await a.next((f) => f.type === "message" && f.message.nonce === text);
      };
      await say("one");
      for (let i = 0; i < 50; i++) {
        b.send({ type: "read", group_id: group.id, seq: 1 });
      }
      b.send({ type: "read", group_id: group.id, seq: 0 });
      await b.roundTrip();
      await say("two"); // everything published before it has reached alice
      const receipts = () =>
        a.received.filter((f) =>
          f.type === "read_receipt" && f.user_id === bob.user.id
        ).map((f) => f.seq);
      assert.deepEqual(receipts(), [1]);

      b.send({ type: "read", group_id: group.id, seq: 2 });
      b.send({ type: "read", group_id: group.id, seq: 2 });
      await b.roundTrip();
      await say("three");
      assert.deepEqual(receipts(), [1, 2]);
      const unread = await bob.api.get("/api/groups");
      assert.equal(unread.body.groups[0].last_read_seq, 2);
      await Promise.all([a.close(), b.close()]);
    });
  },
);

Deno.test(
  "text made only of invisible characters is refused on the socket and over HTTP",
  integration,
  async () => {
    await withServer({}, async (server) => {
      const alice = await newUser(server.url);
      const group = await newGroup(alice.api);
      const c = await GatewayClient.connect(server.wsUrl, {
        token: alice.token,
      });
      c.send({ type: "subscribe", group_ids: [group.id] });
      await c.nextOf("subscribed");
      const texts = [
        "\u200B",
        "\u3164\u3164",
        "\u00AD",
        "\uFEFF\u2060",
        "a\uD800",
      ];
      for (const [i, text] of texts.entries()) {
        c.send({ type: "message", group_id: group.id, text, ref: `t${i}` });
        const error = await c.next((f) => f.ref === `t${i}`);
        assert.equal(error.code, "bad_request", JSON.stringify(text));
        const http = await alice.api.post(`/api/groups/${group.id}/messages`, {
          text,
        });
        assert.equal(http.status, 400, JSON.stringify(text));
      }
      for (
        const name of [
          "\u200B\u200B",
          "\u3164",
          "team\u202Egpj.exe",
          "x\u2066y",
        ]
      ) {
        const res = await alice.api.post("/api/groups", { name });
        assert.equal(res.status, 400, JSON.stringify(name));
        assert.equal(res.body.error.code, "bad_request");
      }
      const history = await alice.api.get(`/api/groups/${group.id}/messages`);
      assert.deepEqual(history.body.messages, []);
      const groups = await alice.api.get("/api/groups");
      assert.equal(groups.body.groups.length, 1);
      await c.close();
    });
  },
);

/** Holds the next `isMember(groupId, userId)` answer until released. */
function memberCheckGate() {
  let armed: { groupId: string; userId: string } | null = null;
  let held!: () => void;
  const holding = new Promise<void>((r) => held = r);
  let release!: () => void;
  const released = new Promise<void>((r) => release = r);
  const wrap = (store: Store): Store =>
    new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== "isMember") {
          return typeof value === "function" ? value.bind(target) : value;
        }
        return async (groupId: string, userId: string) => {
          const answer = await target.isMember(groupId, userId);
          if (armed?.groupId === groupId && armed.userId === userId) {
            armed = null;
            held();
            await released;
          }
          return answer;
        };
      },
    });
  return {
    wrap,
    arm: (groupId: string, userId: string) => armed = { groupId, userId },
    holding,
    release,
  };
}

Deno.test(
  "a leave between subscribe's membership check and its link ends the subscription",
  integration,
  async () => {
    const gate = memberCheckGate();
    const { server, url, wsUrl } = await startInProcess(undefined, {
      wrapStore: gate.wrap,
    });
    try {
      const alice = await newUser(url);
      const bob = await newUser(url);
      const group = await newGroup(alice.api, "private", false);
      await bob.api.post(`/api/groups/${group.id}/join`, {
        invite_code: group.invite_code,
      });
      const a = await GatewayClient.connect(wsUrl, { token: alice.token });
      a.send({ type: "subscribe", group_ids: [group.id] });
      await a.nextOf("subscribed");
      const b = await GatewayClient.connect(wsUrl, { token: bob.token });

      gate.arm(group.id, bob.user.id);
      b.send({ type: "subscribe", group_ids: [group.id], ref: "s" });
      await gate.holding; // bob was a member when checked
      const left = await new ApiClient(url, bob.token).post(
        `/api/groups/${group.id}/leave`,
      );
      assert.equal(left.status, 204);
      gate.release();

      const refused = await b.next((f) => f.type === "error" && f.ref === "s");
      assert.equal(refused.code, "forbidden");
      assert.equal(refused.group_id, group.id);
      const subscribed = await b.nextOf("subscribed");
      assert.deepEqual(subscribed.groups, []);

      a.send({ type: "message", group_id: group.id, text: "after bob left" });
      await a.nextOf("message");
      await b.roundTrip();
      assert.deepEqual(b.received.filter((f) => f.type === "message"), []);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await server.shutdown();
    }
  },
);
