/**
 * Structured logs of a real server process: with `LOG_FORMAT=json` every line it prints is one
 * JSON object naming its level, event and instance, with the ids concerned, and nothing a user
 * wrote or a credential ever appears.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";

/** Waits until the process has printed a line holding `text`. */
async function printed(output: () => string, text: string): Promise<void> {
  const giveUpAt = Date.now() + 15_000;
  while (!output().includes(text)) {
    if (Date.now() > giveUpAt) throw new Error(`never printed ${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test(
  "with LOG_FORMAT=json every line parses as JSON with level, event, instance and ids, and carries no message text, password or token",
  integration,
  () =>
    withServer(
      { LOG_FORMAT: "json", LOG_LEVEL: "debug", INSTANCE_ID: "logs-1" },
      async (server) => {
        const secretText = `only alice knows ${crypto.randomUUID()}`;
        const alice = await newUser(server.url);
        const group = await newGroup(alice.api);
        const socket = await GatewayClient.connect(server.wsUrl, {
          token: alice.token,
        });
        socket.send({ type: "subscribe", group_ids: [group.id] });
        await socket.nextOf("subscribed");
        socket.send({
          type: "message",
          group_id: group.id,
          text: secretText,
          nonce: "n1",
        });
        await socket.nextOf("message");
        await socket.close();
        await printed(server.output, "gateway.socket_closed");
        await server.stop();

        const output = server.output();
        for (const secret of [secretText, "correct horse", alice.token]) {
          assert.ok(!output.includes(secret), `the logs hold ${secret}`);
        }
        const lines = output.split("\n").filter((l) => l.trim() !== "");
        const entries = lines.map((line) => {
          try {
            return JSON.parse(line);
          } catch {
            throw new Error(`not a JSON line: ${line}`);
          }
        });
        for (const entry of entries) {
          assert.equal(typeof entry.level, "string");
          assert.equal(typeof entry.event, "string");
          assert.equal(entry.instance, "logs-1");
          assert.ok(!Number.isNaN(Date.parse(entry.time)));
        }
        const events = entries.map((e) => e.event);
        for (
          const event of [
            "server.listening",
            "gateway.identified",
            "gateway.socket_closed",
            "server.shutting_down",
          ]
        ) {
          assert.ok(events.includes(event), `${event} in ${events}`);
        }
        const identified = entries.find((e) =>
          e.event === "gateway.identified"
        );
        assert.equal(identified.user_id, alice.user.id);
        assert.equal(typeof identified.socket_id, "string");
      },
    ),
);
