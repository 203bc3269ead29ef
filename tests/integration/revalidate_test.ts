/**
 * When the bus resumes after an outage, logout and leave events published meanwhile may be lost:
 * the resume pass re-checks every local socket against the store.
 */
import assert from "node:assert/strict";
import { sha256Hex } from "../../lib/core/ids.ts";
import { revalidateSockets } from "../../gateway/revalidate.ts";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { startInProcess } from "../helpers/in_process.ts";

Deno.test(
  "after a bus outage, sockets of ended sessions close with 4001 and left groups are unsubscribed",
  integration,
  async () => {
    const { server, store, url, wsUrl } = await startInProcess();
    try {
      const alice = await newUser(url);
      const bob = await newUser(url);
      const kept = await newGroup(alice.api, "kept");
      const left = await newGroup(alice.api, "left");
      const a = await GatewayClient.connect(
        wsUrl,
        { token: alice.token },
      );
      const b = await GatewayClient.connect(
        wsUrl,
        { token: bob.token },
      );
      a.send({ type: "subscribe", group_ids: [kept.id, left.id] });
      await a.nextOf("subscribed");

      // What a lost `member_left` and a lost `session_ended` leave behind: the store changed, no event.
      await store.removeMember(left.id, alice.user.id);
      await store.deleteSession(await sha256Hex(bob.token));
      await revalidateSockets(server.gateway);

      assert.deepEqual(await a.nextOf("unsubscribed"), {
        type: "unsubscribed",
        group_ids: [left.id],
      });
      assert.equal((await b.closed).code, 4001);
      await a.roundTrip();
      assert.equal(
        a.drain("unsubscribed").length,
        0,
        "the group alice is still in stays subscribed",
      );
      assert.equal(a.socket.readyState, WebSocket.OPEN);
      await a.close();
    } finally {
      await server.shutdown();
    }
  },
);
