/**
 * Traces through Deno's built-in OpenTelemetry: a real server process exports over OTLP/HTTP to
 * a receiver in the test, and one message's append, fan-out and persist spans form one trace.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { startOtlpReceiver } from "../helpers/otlp_receiver.ts";

Deno.test(
  "with OTEL_DENO=true a message's append, fan-out and persist spans reach the collector as one trace",
  integration,
  async () => {
    const receiver = startOtlpReceiver();
    try {
      await withServer({
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "salvioris-test",
      }, async (server) => {
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
          text: "traced",
          nonce: "t1",
        });
        const { message } = await socket.nextOf("message");
        await socket.close();

        const ofThisMessage =
          (name: string) =>
          (s: { name: string; attributes: Record<string, unknown> }) =>
            s.name === name &&
            s.attributes["chat.group_id"] === group.id &&
            s.attributes["chat.seq"] === message.seq;
        const append = await receiver.waitForSpan(
          ofThisMessage("chat.message.append"),
        );
        assert.equal(append.attributes["chat.outcome"], "appended");
        assert.equal(append.attributes["chat.message_id"], message.id);
        const fanout = await receiver.waitForSpan(
          ofThisMessage("chat.message.fanout"),
        );
        const persist = await receiver.waitForSpan(
          ofThisMessage("chat.message.persist"),
        );
        for (const child of [fanout, persist]) {
          assert.equal(child.traceId, append.traceId, `${child.name} trace`);
          assert.equal(
            child.parentSpanId,
            append.spanId,
            `${child.name} parent`,
          );
        }
      });
    } finally {
      await receiver.close();
    }
  },
);
