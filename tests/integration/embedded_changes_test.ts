/**
 * §4 on the embedded adapters (KV bus and KV store in one file): a deleted message's text is in
 * no key of the file, and a SIGKILL in the middle of changes loses none a client saw.
 */
import assert from "node:assert/strict";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory, waitFor } from "../helpers/history.ts";
import { Replica } from "../helpers/replica.ts";
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "../helpers/server_process.ts";
import { kvDump } from "../helpers/kv_dump.ts";

Deno.test("§4 on the embedded bus and store", integration, async (t) => {
  const kvPath = await tempKvPath();
  const env = {
    KV_PATH: kvPath,
    RATE_MESSAGES_BURST: "10000",
    RATE_MESSAGES_PER_SEC: "10000",
  };
  const servers: ServerProcess[] = [await startServerProcess(env)];
  const server = () => servers.at(-1)!;
  try {
    const ann = await newUser(server().url, "ann");
    const group = await newGroup(ann.api, "embedded");
    const g = group.id;
    const socket = await GatewayClient.connect(server().wsUrl, {
      token: ann.token,
    });
    socket.send({ type: "subscribe", group_ids: [g] });
    await socket.nextOf("subscribed");
    const events: Frame[] = [];
    socket.observers.add((f) => {
      if (f.type === "message" || f.type === "message_update") events.push(f);
    });
    const send = async (frame: object) => {
      const before = events.length;
      socket.send({ group_id: g, ...frame });
      await waitFor("the event", () => events.length > before);
      return events.at(-1)!;
    };

    await t.step(
      "a deleted message's text is in no key of the KV file once persisted",
      async () => {
        const secret = `SECRET-${crypto.randomUUID()}`;
        const sent = await send({ type: "message", text: secret, nonce: "n1" });
        const seq = sent.message.seq;
        await send({ type: "edit", seq, text: `${secret} edited` });
        await send({ type: "react", seq, emoji: "👀" });
        await waitFor(
          "the store to hold the text",
          async () => (await kvDump(kvPath)).includes(`${secret} edited`),
        );
        await send({ type: "delete", seq });
        await waitFor(
          "no copy of the text in the file",
          async () => !(await kvDump(kvPath)).includes(secret),
        );
        const page = await fullHistory(ann.api, g);
        assert.equal(page[seq - 1].deleted, true);
      },
    );

    await t.step(
      "a SIGKILL mid-changes loses no change a client saw; revs go on after the restart",
      async () => {
        await send({ type: "message", text: "target" });
        const target = events.at(-1)!.message.seq;
        const start = events.length;
        for (let i = 0; i < 80; i++) {
          socket.send(
            i % 2 === 0
              ? { type: "edit", group_id: g, seq: target, text: `edit ${i}` }
              : { type: "message", group_id: g, text: `send ${i}` },
          );
        }
        await waitFor("changes under way", () => events.length >= start + 10, {
          intervalMs: 1,
        });
        await server().kill();
        await socket.closed;
        const seen = new Replica();
        events.forEach((e) => seen.apply(e));
        servers.push(await startServerProcess(env));
        // The restarted instance listens on a new port.
        const api = new ApiClient(server().url, ann.token);
        const history = await fullHistory(api, g);
        for (const message of seen.history()) {
          const kept = history[message.seq - 1];
          assert.ok(
            kept.rev >= message.rev,
            `seq ${message.seq} kept its change`,
          );
        }
        const again = await GatewayClient.connect(server().wsUrl, {
          token: ann.token,
        });
        again.send({
          type: "subscribe",
          group_ids: [g],
          since_rev: { [g]: seen.lastRev },
        });
        await again.nextOf("subscribed");
        const replay = again.received.filter((f) =>
          f.type === "message" || f.type === "message_update"
        );
        replay.forEach((f) => seen.apply(f));
        assert.deepEqual(
          seen.history(),
          history,
          "the resume ends in the fresh-load state",
        );
        again.send({
          type: "edit",
          group_id: g,
          seq: target,
          text: "after the restart",
        });
        const next = await again.next((f) =>
          f.type === "message_update" && f.message.text === "after the restart"
        );
        assert.equal(next.rev, seen.lastRev + 1, "rev continues from the file");
        await again.close();
      },
    );
  } finally {
    for (const s of servers) await s.stop();
    await Deno.remove(kvPath.replace(/\/[^/]*$/, ""), { recursive: true })
      .catch(() => {});
  }
});
