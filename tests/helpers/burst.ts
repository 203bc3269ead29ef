/**
 * The 500-message burst: 20 clients each send 25 messages to one group at once, spread over the
 * given servers. Every subscriber receives all 500 exactly once in strictly increasing seq, the
 * seqs are exactly 1..500, each client sees its own messages in send order, and history holds all.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "./api_client.ts";
import { GatewayClient } from "./gateway_client.ts";
import { fullHistory } from "./history.ts";
import type { ServerProcess } from "./server_process.ts";

const clients = 20;
const perClient = 25;
const total = clients * perClient;

/** Runs the burst with client i connected to `servers[i % servers.length]`. */
export async function concurrentBurst(servers: ServerProcess[]): Promise<void> {
  const owner = await newUser(servers[0].url);
  const group = await newGroup(owner.api, "burst");
  const users = await Promise.all(
    Array.from(
      { length: clients },
      (_, i) => newUser(servers[i % servers.length].url),
    ),
  );
  await Promise.all(
    users.map((u) => u.api.post(`/api/groups/${group.id}/join`, {})),
  );
  const sockets = await Promise.all(
    users.map((u, i) =>
      GatewayClient.connect(servers[i % servers.length].wsUrl, {
        token: u.token,
      })
    ),
  );
  try {
    await Promise.all(sockets.map(async (s) => {
      s.send({ type: "subscribe", group_ids: [group.id] });
      await s.nextOf("subscribed");
    }));

    sockets.forEach((s, i) => {
      for (let n = 0; n < perClient; n++) {
        s.send({
          type: "message",
          group_id: group.id,
          text: `c${i} m${n}`,
          nonce: `c${i}-${n}`,
        });
      }
    });

    await Promise.all(sockets.map(async (s, i) => {
      const seqs: number[] = [];
      const texts = new Set<string>();
      while (seqs.length < total) {
        const frame = await s.next(
          (f) => f.type === "message" || f.type === "error",
          30_000,
        );
        assert.equal(
          frame.type,
          "message",
          `client ${i} got ${JSON.stringify(frame)}`,
        );
        seqs.push(frame.message.seq);
        texts.add(frame.message.text);
      }
      assert.deepEqual(
        seqs,
        Array.from({ length: total }, (_, k) => k + 1),
        `client ${i} order`,
      );
      assert.equal(texts.size, total, `client ${i} got every message once`);
      const ownSeqs = s.received
        .filter((f) =>
          f.type === "message" && f.message.author.id === users[i].user.id
        )
        .map((f) => Number(f.message.text.split(" m")[1]));
      assert.deepEqual(
        ownSeqs,
        Array.from({ length: perClient }, (_, k) => k),
        "own messages in send order",
      );
    }));
    for (const s of sockets) {
      await s.roundTrip();
      assert.equal(s.drain("message").length, 0, "no duplicate after the 500");
    }

    const history = await fullHistory(owner.api, group.id);
    assert.deepEqual(
      history.map((m) => m.seq),
      Array.from({ length: total }, (_, k) => k + 1),
    );
    assert.equal(new Set(history.map((m) => m.id)).size, total);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}
