/**
 * PROTOCOL.md §2.5: a `since` replay the server cannot serve answers `resync`; one it can is
 * replayed whole. The bound is `maxReplay` messages (lib/core/history.ts).
 */
import assert from "node:assert/strict";
import { maxReplay } from "../../lib/core/history.ts";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { startInProcess } from "../helpers/in_process.ts";

Deno.test(
  "subscribe with since answers resync past maxReplay missed messages, and replays up to it",
  integration,
  async () => {
    const { server, url, wsUrl } = await startInProcess({
      framesBurst: 5000,
      framesPerSec: 5000,
      messagesBurst: 5000,
      messagesPerSec: 5000,
    });
    try {
      const alice = await newUser(url);
      const group = await newGroup(alice.api);
      const a = await GatewayClient.connect(wsUrl, { token: alice.token });
      a.send({ type: "subscribe", group_ids: [group.id] });
      await a.nextOf("subscribed");
      const total = maxReplay + 5;
      // In chunks: a socket may have at most 256 frames waiting to be handled.
      for (let sent = 0; sent < total;) {
        const chunk = Math.min(200, total - sent);
        for (let k = 1; k <= chunk; k++) {
          a.send({ type: "message", group_id: group.id, text: `m${sent + k}` });
        }
        for (let k = 0; k < chunk; k++) await a.nextOf("message");
        sent += chunk;
      }

      const tooOld = await GatewayClient.connect(wsUrl, { token: alice.token });
      tooOld.send({
        type: "subscribe",
        group_ids: [group.id],
        since: { [group.id]: 4 },
      });
      assert.deepEqual(await tooOld.nextOf("resync"), {
        type: "resync",
        group_id: group.id,
      });
      assert.equal(
        (await tooOld.nextOf("subscribed")).groups[0].head_seq,
        total,
      );
      assert.equal(tooOld.drain("message").length, 0, "no partial replay");

      const recent = await GatewayClient.connect(wsUrl, { token: alice.token });
      recent.send({
        type: "subscribe",
        group_ids: [group.id],
        since: { [group.id]: 5 },
      });
      const seqs: number[] = [];
      for (let i = 0; i < maxReplay; i++) {
        seqs.push((await recent.nextOf("message")).message.seq);
      }
      assert.deepEqual(
        seqs,
        Array.from({ length: maxReplay }, (_, k) => k + 6),
      );
      await recent.nextOf("subscribed");
      assert.equal(recent.drain("resync").length, 0);
      await Promise.all([a.close(), tooOld.close(), recent.close()]);
    } finally {
      await server.shutdown();
    }
  },
);
