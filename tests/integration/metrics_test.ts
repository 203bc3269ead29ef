/**
 * `GET /metrics` on a real server process: what a conversation moves, and who may scrape.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { tempKvPath } from "../helpers/server_process.ts";
import { withCluster } from "../helpers/cluster.ts";
import { redisTest } from "../helpers/redis_server.ts";
import {
  type Scrape,
  scrapeFrom,
  scrapeUntil,
  valueOf,
} from "../helpers/prometheus.ts";

const token = "metrics-token-for-tests-0123456789";
const mainPath = new URL("../../main.ts", import.meta.url).pathname;

/** How much a series grew between two scrapes. */
function grew(
  before: Scrape,
  after: Scrape,
  name: string,
  labels?: Record<string, string>,
): number {
  return valueOf(after, name, labels) - valueOf(before, name, labels);
}

Deno.test(
  "a scrape after a conversation shows its frames, appends, fan-out latency, persistence, limits and closes",
  integration,
  () =>
    withServer({
      METRICS_TOKEN: token,
      RATE_MESSAGES_BURST: "4",
      RATE_MESSAGES_PER_SEC: "1",
    }, async (server) => {
      const url = `${server.url}/metrics`;
      const before = await scrapeFrom(url, token);
      const alice = await newUser(server.url);
      const group = await newGroup(alice.api);
      const socket = await GatewayClient.connect(server.wsUrl, {
        token: alice.token,
      });
      socket.send({ type: "subscribe", group_ids: [group.id] });
      await socket.nextOf("subscribed");
      for (const nonce of ["m1", "m2", "m3"]) {
        socket.send({ type: "message", group_id: group.id, text: "hi", nonce });
        assert.equal((await socket.nextOf("message")).message.nonce, nonce);
      }
      socket.send({ type: "edit", group_id: group.id, seq: 1, text: "hello" });
      assert.equal((await socket.nextOf("message_update")).message.seq, 1);
      socket.send({ type: "typing_start", group_id: group.id });
      // The message budget (burst 4: three messages and an edit) is spent: the next is refused.
      socket.send({
        type: "message",
        group_id: group.id,
        text: "hi",
        nonce: "m4",
      });
      assert.equal((await socket.nextOf("error")).code, "rate_limited");

      const during = await scrapeUntil(
        url,
        token,
        (s) =>
          grew(before, s, "salvioris_messages_persisted") >= 4 &&
          valueOf(s, "salvioris_handoff_backlog") === 0,
      );
      const frames = (type: string) =>
        grew(before, during, "salvioris_frames_received_total", { type });
      assert.equal(frames("identify"), 1);
      assert.equal(frames("subscribe"), 1);
      assert.equal(frames("message"), 4);
      assert.equal(frames("typing_start"), 1);
      assert.equal(frames("edit"), 1);
      assert.equal(
        grew(before, during, "salvioris_bus_appends_total", {
          kind: "message",
          result: "appended",
        }),
        3,
      );
      assert.equal(
        grew(before, during, "salvioris_bus_events_received_total", {
          kind: "message",
        }),
        3,
      );
      assert.equal(
        grew(before, during, "salvioris_bus_appends_total", {
          kind: "update",
          result: "appended",
        }),
        1,
      );
      assert.equal(
        grew(before, during, "salvioris_bus_events_received_total", {
          kind: "message_update",
        }),
        1,
      );
      assert.equal(
        grew(before, during, "salvioris_bus_publishes_total", {
          kind: "typing",
          result: "ok",
        }),
        1,
      );
      assert.equal(
        grew(before, during, "salvioris_message_fanout_seconds_count"),
        3,
        "each appended message's fan-out is timed once",
      );
      assert.ok(
        grew(before, during, "salvioris_message_fanout_seconds_sum") > 0,
      );
      assert.equal(
        grew(before, during, "salvioris_rate_limited_total", {
          scope: "socket_message",
        }),
        1,
      );
      assert.equal(valueOf(during, "salvioris_sockets_identified"), 1);
      assert.equal(valueOf(during, "salvioris_subscriptions"), 1);
      assert.equal(valueOf(during, "salvioris_projector_lag_seconds"), 0);
      // hello, ready, subscribed, three messages and the rate_limited error.
      assert.ok(grew(before, during, "salvioris_frames_sent_total") >= 7);
      const storeCalls = (op: string) =>
        grew(before, during, "salvioris_store_operation_seconds_count", { op });
      assert.equal(storeCalls("createUser"), 1);
      assert.ok(storeCalls("upsertStates") >= 1, "the projector's write");
      assert.ok(valueOf(during, "process_resident_memory_bytes") > 0);

      // A client that keeps sending garbage is closed with 4002.
      const rude = await GatewayClient.connect(server.wsUrl, {
        token: alice.token,
      });
      for (let i = 0; i < 11; i++) rude.sendRaw("not json");
      assert.equal((await rude.closed).code, 4002);
      await socket.close();

      const after = await scrapeUntil(
        url,
        token,
        (s) => valueOf(s, "salvioris_sockets_open") === 0,
      );
      assert.equal(valueOf(after, "salvioris_subscriptions"), 0);
      assert.ok(
        grew(before, after, "salvioris_frames_received_total", {
          type: "invalid",
        }) >= 10,
      );
      assert.equal(
        grew(before, after, "salvioris_socket_closes_total", { code: "4002" }),
        1,
      );
      assert.equal(
        grew(before, after, "salvioris_socket_closes_total", { code: "1000" }),
        1,
      );
    }),
);

Deno.test(
  "/metrics refuses a scrape without its bearer token or with a wrong one",
  integration,
  () =>
    withServer({ METRICS_TOKEN: token }, async (server) => {
      const url = `${server.url}/metrics`;
      const none = await fetch(url);
      assert.equal(none.status, 401);
      assert.equal((await none.json()).error.code, "unauthorized");
      const wrong = await fetch(url, {
        headers: { authorization: `Bearer ${token}x` },
      });
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();
      const right = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(right.status, 200);
      assert.match(right.headers.get("content-type") ?? "", /^text\/plain/);
      assert.match(await right.text(), /^salvioris_sockets_open 0$/m);
    }),
);

Deno.test(
  "/metrics is off unless a token or a port of its own is configured",
  integration,
  () =>
    withServer({}, async (server) => {
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 404);
      await res.body?.cancel();
    }),
);

Deno.test(
  "METRICS_PORT serves /metrics on a port of its own, and the main port does not",
  integration,
  () =>
    withServer({ METRICS_PORT: "0" }, async (server) => {
      const port = await announcedMetricsPort(server.output);
      assert.notEqual(port, server.port);
      const scrape = await scrapeFrom(`http://127.0.0.1:${port}/metrics`);
      assert.equal(valueOf(scrape, "salvioris_sockets_open"), 0);
      const main = await fetch(`${server.url}/metrics`);
      assert.equal(main.status, 404);
      await main.body?.cancel();
      const other = await fetch(`http://127.0.0.1:${port}/api/me`);
      assert.equal(other.status, 404, "the metrics port serves nothing else");
      await other.body?.cancel();
    }),
);

/** The metrics port the process prints right after it starts listening. */
async function announcedMetricsPort(output: () => string): Promise<number> {
  const giveUpAt = Date.now() + 10_000;
  for (;;) {
    const match = output().match(/Metrics on http:\/\/localhost:(\d+)/);
    if (match) return Number(match[1]);
    if (Date.now() > giveUpAt) throw new Error("no metrics port announced");
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test(
  "a METRICS_PORT already in use stops start-up with one line naming METRICS_PORT",
  integration,
  async () => {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const { code, stdout, stderr } = await new Deno.Command(
        Deno.execPath(),
        {
          args: ["run", "-A", "--no-check", mainPath],
          env: {
            PORT: "0",
            HOST: "127.0.0.1",
            KV_PATH: await tempKvPath(),
            METRICS_PORT: String(taken.addr.port),
          },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        },
      ).output();
      const output = new TextDecoder().decode(stdout) +
        new TextDecoder().decode(stderr);
      assert.equal(code, 1, output);
      assert.match(
        output.trim().split("\n").at(-1)!,
        /^salvioris: cannot start: Cannot serve metrics on .*\(check METRICS_PORT\)$/,
      );
      assert.doesNotMatch(output, /listening on/);
    } finally {
      taken.close();
    }
  },
);

redisTest(
  "on two instances sharing Redis the sender's instance times the fan-out, the other counts the event, and exactly one persists it",
  async () => {
    await withCluster(
      { size: 2, env: { METRICS_TOKEN: token } },
      async ({ servers: [n1, n2] }) => {
        const scrapeAll = () =>
          Promise.all(
            [n1, n2].map((s) => scrapeFrom(`${s.url}/metrics`, token)),
          );
        const [before1, before2] = await scrapeAll();
        const alice = await newUser(n1.url);
        const bob = await newUser(n2.url);
        const group = await newGroup(alice.api);
        assert.equal(
          (await bob.api.post(`/api/groups/${group.id}/join`, {})).status,
          200,
        );
        const sockets = await Promise.all([
          GatewayClient.connect(n1.wsUrl, { token: alice.token }),
          GatewayClient.connect(n2.wsUrl, { token: bob.token }),
        ]);
        for (const socket of sockets) {
          socket.send({ type: "subscribe", group_ids: [group.id] });
          await socket.nextOf("subscribed");
        }
        sockets[0].send({
          type: "message",
          group_id: group.id,
          text: "across",
          nonce: "x1",
        });
        for (const socket of sockets) await socket.nextOf("message");
        await Promise.all(sockets.map((s) => s.close()));

        const persisted = (s: Scrape) =>
          valueOf(s, "salvioris_messages_persisted");
        const giveUpAt = Date.now() + 20_000;
        let after = await scrapeAll();
        while (persisted(after[0]) + persisted(after[1]) < 1) {
          if (Date.now() > giveUpAt) throw new Error("never persisted");
          await new Promise((r) => setTimeout(r, 50));
          after = await scrapeAll();
        }
        const [after1, after2] = after;
        assert.equal(
          grew(before1, after1, "salvioris_message_fanout_seconds_count"),
          1,
        );
        assert.equal(
          grew(before2, after2, "salvioris_message_fanout_seconds_count"),
          0,
          "only the appending instance knows when the append started",
        );
        for (const [b, a] of [[before1, after1], [before2, after2]]) {
          assert.equal(
            grew(b, a, "salvioris_bus_events_received_total", {
              kind: "message",
            }),
            1,
          );
        }
        assert.equal(
          grew(before1, after1, "salvioris_bus_appends_total", {
            kind: "message",
            result: "appended",
          }),
          1,
        );
        assert.equal(persisted(after1) + persisted(after2), 1);
        assert.equal(valueOf(after1, "salvioris_handoff_backlog"), 0);
        assert.equal(valueOf(after2, "salvioris_handoff_backlog"), 0);
      },
    );
  },
  integration,
);
