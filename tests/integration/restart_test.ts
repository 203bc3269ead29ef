/** Data survives a restart: users, sessions, groups, history and read state, on one KV file. */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { startServerProcess, tempKvPath } from "../helpers/server_process.ts";

Deno.test(
  "a restart keeps users, groups, history and read state, and seq continues",
  integration,
  async () => {
    const kvPath = await tempKvPath();
    const first = await startServerProcess({ KV_PATH: kvPath });
    let second;
    try {
      const alice = await newUser(first.url, "alice");
      const group = await newGroup(alice.api, "kept");
      const socket = await GatewayClient.connect(first.wsUrl, {
        token: alice.token,
      });
      socket.send({ type: "subscribe", group_ids: [group.id] });
      await socket.nextOf("subscribed");
      for (let i = 1; i <= 30; i++) {
        socket.send({
          type: "message",
          group_id: group.id,
          text: `m${i}`,
        });
      }
      for (let i = 1; i <= 30; i++) {
        assert.equal(
          (await socket.nextOf("message")).message.seq,
          i,
        );
      }
      // Bob, who wrote nothing, has read 20 of the 30.
      const bob = await newUser(first.url, "bob");
      await bob.api.post(`/api/groups/${group.id}/join`, {});
      const reader = await GatewayClient.connect(first.wsUrl, {
        token: bob.token,
      });
      reader.send({ type: "read", group_id: group.id, seq: 20 });
      await socket.nextOf("read_receipt");
      await first.stop(); // graceful: flushes the persistence queue
      await socket.closed;
      await reader.closed;

      second = await startServerProcess({ KV_PATH: kvPath });
      const login = await new ApiClient(second.url).post("/api/auth/login", {
        username: "alice",
        password: "correct horse",
      });
      assert.equal(login.status, 200);
      const api = new ApiClient(second.url, alice.token);
      assert.equal(
        (await api.get("/api/me")).status,
        200,
        "the old session still works",
      );
      const groups = (await api.get("/api/groups")).body.groups;
      assert.equal(groups.length, 1);
      assert.equal(groups[0].last_read_seq, 30, "alice wrote all 30");
      assert.equal(groups[0].unread_count, 0);
      const bobs =
        (await new ApiClient(second.url, bob.token).get("/api/groups"))
          .body.groups;
      assert.equal(bobs[0].last_read_seq, 20);
      assert.equal(bobs[0].unread_count, 10);
      const history =
        (await api.get(`/api/groups/${group.id}/messages?limit=100`)).body
          .messages;
      assert.deepEqual(
        history.map((m: { text: string }) => m.text),
        Array.from({ length: 30 }, (_, i) => `m${i + 1}`),
      );

      const again = await GatewayClient.connect(second.wsUrl, {
        token: alice.token,
      });
      again.send({
        type: "subscribe",
        group_ids: [group.id],
        since: { [group.id]: 25 },
      });
      const replayed = [];
      for (let i = 0; i < 5; i++) {
        replayed.push(
          (await again.nextOf("message")).message.seq,
        );
      }
      assert.deepEqual(
        replayed,
        [26, 27, 28, 29, 30],
        "replay after a restart comes from the store",
      );
      assert.equal((await again.nextOf("subscribed")).groups[0].head_seq, 30);
      again.send({
        type: "message",
        group_id: group.id,
        text: "after restart",
      });
      assert.equal(
        (await again.nextOf("message")).message.seq,
        31,
        "seq continues with no repeat",
      );
      await again.close();
    } finally {
      await first.stop();
      await second?.stop();
    }
  },
);
