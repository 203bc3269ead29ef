/**
 * Traces through Deno's built-in OpenTelemetry: a real server process exports over OTLP/HTTP to
 * a receiver in the test, and one message's append, fan-out and persist spans form one trace —
 * run from the sources, and from the bundled single file (which carries its own copy of
 * `@opentelemetry/api`).
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import {
  type ReceivedSpan,
  startOtlpReceiver,
} from "../helpers/otlp_receiver.ts";
import { startServerProcess, tempKvPath } from "../helpers/server_process.ts";

const root = new URL("../..", import.meta.url).pathname;

/** Sends one message on a traced process started from `entry` and checks its spans. */
async function messageIsTraced(entry?: string): Promise<void> {
  const receiver = startOtlpReceiver();
  const server = await startServerProcess({
    KV_PATH: await tempKvPath(),
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "salvioris-test",
  }, { entry });
  try {
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

    const ofThisMessage = (name: string) => (s: ReceivedSpan) =>
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
      assert.equal(child.parentSpanId, append.spanId, `${child.name} parent`);
    }
  } catch (err) {
    console.error(server.output().slice(-4000));
    throw err;
  } finally {
    await server.stop();
    await receiver.close();
  }
}

Deno.test(
  "with OTEL_DENO=true a message's append, fan-out and persist spans reach the collector as one trace",
  integration,
  () => messageIsTraced(),
);

Deno.test(
  "the bundled single file exports the same message spans",
  integration,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "salvioris-bundle-otel-" });
    try {
      const bundle = await new Deno.Command(Deno.execPath(), {
        args: ["task", "bundle", "-o", `${dir}/salvioris.js`],
        cwd: root,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(bundle.code, 0, new TextDecoder().decode(bundle.stderr));
      await messageIsTraced(`${dir}/salvioris.js`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
