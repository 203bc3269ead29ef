/**
 * 20 clients each send 25 messages to one group at once: every subscriber receives all 500
 * exactly once in strictly increasing seq, the seqs are exactly 1..500, and history holds all 500.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "./../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import type { ServerProcess } from "../helpers/server_process.ts";

const clients = 20;
const perClient = 25;
const total = clients * perClient;

/** Runs the burst with client i connected to `servers[i % servers.length]`. */
export async function concurrentBurst(servers: ServerProcess[]): Promise<void> {
  const owner = await newUser(servers[0].url);
  const group = await newGroup(owner.api, "burst");
  const users = await Promise.all(
    Array.from({ length: clients }, () => newUser(servers[0].url)),
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

  const history = [];
  let before: number | undefined;
  do {
    const page = await owner.api.get(
      `/api/groups/${group.id}/messages?limit=100${
        before ? `&before_seq=${before}` : ""
      }`,
    );
    history.unshift(...page.body.messages);
    before = page.body.has_more ? page.body.messages[0].seq : undefined;
  } while (before);
  assert.deepEqual(
    history.map((m) => m.seq),
    Array.from({ length: total }, (_, k) => k + 1),
  );
  await Promise.all(sockets.map((s) => s.close()));
}

Deno.test(
  "500 concurrent messages from 20 clients arrive exactly once, in seq order, and are all in history",
  integration,
  async () => {
    await withServer({}, async (server) => await concurrentBurst([server]));
  },
);
