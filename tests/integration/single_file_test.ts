/**
 * The single-file deploy: `deno task bundle` makes one JavaScript file that runs with nothing
 * beside it — no repository, no deno.json — and serves the API and the gateway.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { scrapeFrom, valueOf } from "../helpers/prometheus.ts";

const root = new URL("../..", import.meta.url).pathname;
const metricsToken = "single-file-metrics-token";

Deno.test(
  "the bundled single file runs alone and serves API and gateway",
  integration,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "salvioris-bundle-" });
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: ["task", "bundle", "-o", `${dir}/salvioris.js`],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(bundle.code, 0, new TextDecoder().decode(bundle.stderr));

    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-kv", "salvioris.js"],
      cwd: dir,
      env: {
        PORT: "0",
        HOST: "127.0.0.1",
        KV_PATH: `${dir}/data.kv`,
        SHUTDOWN_GRACE_MS: "10",
        METRICS_TOKEN: metricsToken,
      },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    try {
      let out = "";
      let port = 0;
      while (!port) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`bundle exited: ${out}`);
        out += value;
        port = Number(out.match(/localhost:(\d+)/)?.[1] ?? 0);
      }
      const url = `http://127.0.0.1:${port}`;
      assert.equal(await fetch(`${url}/readyz`).then((r) => r.status), 200);
      const alice = await newUser(url);
      const group = await newGroup(alice.api);
      const socket = await GatewayClient.connect(
        `ws://127.0.0.1:${port}/gateway`,
        { token: alice.token },
      );
      socket.send({ type: "subscribe", group_ids: [group.id] });
      await socket.nextOf("subscribed");
      socket.send({
        type: "message",
        group_id: group.id,
        text: "from one file",
        nonce: "n",
      });
      assert.equal(
        (await socket.nextOf("message")).message.text,
        "from one file",
      );
      // prom-client is bundled too: the scrape counts the message.
      const scrape = await scrapeFrom(`${url}/metrics`, metricsToken);
      assert.equal(
        valueOf(scrape, "salvioris_bus_appends_total", {
          kind: "message",
          result: "appended",
        }),
        1,
      );
      await socket.close();
    } finally {
      await reader.cancel();
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
);
