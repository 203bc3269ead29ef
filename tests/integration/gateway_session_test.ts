/** PROTOCOL.md §2.1 and §2.4: opening, identification, limits and close codes, on real processes. */
import assert from "node:assert/strict";
import { newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";

/** Sends a raw upgrade request and answers the HTTP status line's code. */
async function upgradeStatus(
  port: number,
  headers: Record<string, string>,
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const lines = [
    "GET /gateway HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  const buf = new Uint8Array(1024);
  const n = await conn.read(buf);
  conn.close();
  return Number(
    new TextDecoder().decode(buf.subarray(0, n ?? 0)).split(" ")[1],
  );
}

Deno.test("gateway opening and identification", integration, async (t) => {
  await withServer(
    { ALLOWED_ORIGINS: "https://chat.example" },
    async (server) => {
      const alice = await newUser(server.url);

      await t.step(
        "hello comes first, with the heartbeat interval and protocol 1",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl);
          assert.deepEqual(c.received[0], {
            type: "hello",
            heartbeat_interval_ms: 30_000,
            protocol: 1,
          });
          await c.close();
        },
      );

      await t.step(
        "identify with a token answers ready with session, user and groups",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          assert.equal(typeof c.ready!.session_id, "string");
          assert.deepEqual(c.ready!.user, alice.user);
          assert.deepEqual(c.ready!.groups, []);
          await c.close();
        },
      );

      await t.step(
        "a session cookie on the upgrade gets ready at once, without identify",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            headers: { cookie: `salvioris_session=${alice.token}` },
          });
          assert.equal(c.ready!.user.id, alice.user.id);
          await c.close();
        },
      );

      await t.step(
        "an invalid session cookie gets error unauthorized at once; a token may still identify",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            headers: { cookie: "salvioris_session=expired-or-forged" },
            waitReady: false,
          });
          const error = await c.nextOf("error");
          assert.equal(error.code, "unauthorized");
          assert.equal(c.socket.readyState, WebSocket.OPEN);
          c.send({ type: "identify", token: alice.token });
          assert.equal((await c.nextOf("ready")).user.id, alice.user.id);
          await c.close();
        },
      );

      await t.step(
        "a bad token gets error unauthorized and close 4001",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl);
          c.send({ type: "identify", token: "wrong", ref: "i" });
          const error = await c.nextOf("error");
          assert.equal(error.code, "unauthorized");
          assert.equal(error.ref, "i");
          assert.equal((await c.closed).code, 4001);
          for (const token of ["", "x".repeat(2000)]) {
            const other = await GatewayClient.connect(server.wsUrl);
            other.send({ type: "identify", token });
            assert.equal((await other.nextOf("error")).code, "unauthorized");
            assert.equal((await other.closed).code, 4001);
          }
        },
      );

      await t.step(
        "frames before ready get not_identified and the socket stays open",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl);
          c.send({ type: "subscribe", group_ids: ["g"], ref: "early" });
          const error = await c.nextOf("error");
          assert.equal(error.code, "not_identified");
          assert.equal(error.ref, "early");
          c.send({ type: "identify", token: alice.token });
          await c.nextOf("ready");
          c.send({ type: "identify", token: alice.token });
          assert.equal(
            (await c.nextOf("error")).code,
            "bad_request",
            "identify twice",
          );
          await c.close();
        },
      );

      await t.step(
        "not JSON, no type and unknown types get bad_request; the socket stays usable",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          for (
            const raw of [
              "not json",
              "[1,2]",
              '{"ref":"r1"}',
              '{"type":"launch","ref":"r1"}',
              '{"type":"ping","ref":5}',
            ]
          ) {
            c.sendRaw(raw);
            const error = await c.nextOf("error");
            assert.equal(error.code, "bad_request", raw);
          }
          c.sendRaw('{"type":"nope","ref":"r2"}');
          assert.equal((await c.nextOf("error")).ref, "r2");
          await c.roundTrip();
          await c.close();
        },
      );

      await t.step("subscribe bounds: 1 to 100 group ids", async () => {
        const c = await GatewayClient.connect(server.wsUrl, {
          token: alice.token,
        });
        c.send({ type: "subscribe", group_ids: [] });
        assert.equal((await c.nextOf("error")).code, "bad_request");
        c.send({
          type: "subscribe",
          group_ids: Array.from({ length: 101 }, (_, i) => `g${i}`),
        });
        assert.equal((await c.nextOf("error")).code, "bad_request");
        await c.close();
      });

      await t.step(
        "repeated protocol violations close the socket with 4002",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          for (let i = 0; i < 12; i++) c.sendRaw("garbage");
          assert.equal((await c.closed).code, 4002);
        },
      );

      await t.step(
        "a frame over 64 KiB closes the socket with 1009",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          c.send({ type: "ping", ref: "x".repeat(70_000) });
          assert.equal((await c.nextOf("error")).code, "too_large");
          assert.equal((await c.closed).code, 1009);
        },
      );

      await t.step(
        "the upgrade is refused with 403 for a foreign Origin",
        async () => {
          const host = `127.0.0.1:${server.port}`;
          assert.equal(
            await upgradeStatus(server.port, {
              Origin: "https://evil.example",
            }),
            403,
          );
          assert.equal(
            await upgradeStatus(server.port, { Origin: `http://${host}` }),
            101,
          );
          assert.equal(
            await upgradeStatus(server.port, {
              Origin: "https://chat.example",
            }),
            101,
          );
          assert.equal(await upgradeStatus(server.port, {}), 101);
        },
      );

      await t.step(
        "a socket that does not identify within 10 s is closed with 4001",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl);
          const closed = await c.closed;
          assert.equal(closed.code, 4001);
          assert.equal(c.received.at(-1)?.code, "unauthorized");
        },
      );
    },
  );
});

Deno.test(
  "gateway heartbeats and graceful shutdown",
  integration,
  async (t) => {
    let noticed: Promise<unknown> | null = null;
    let closedByShutdown: Promise<{ code: number }> | null = null;
    await withServer({ HEARTBEAT_INTERVAL_MS: "300" }, async (server) => {
      const alice = await newUser(server.url);

      await t.step(
        "no frame for 2 × heartbeat_interval_ms closes the socket with 4009",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          assert.equal(c.received[0].heartbeat_interval_ms, 300);
          assert.equal((await c.closed).code, 4009);
        },
      );

      await t.step("a client that pings in time stays connected", async () => {
        const c = await GatewayClient.connect(server.wsUrl, {
          token: alice.token,
        });
        for (let i = 0; i < 8; i++) {
          await new Promise((r) => setTimeout(r, 200));
          await c.roundTrip();
        }
        assert.equal(c.socket.readyState, WebSocket.OPEN);
        await c.close();
      });

      const c = await GatewayClient.connect(server.wsUrl, {
        token: alice.token,
      });
      const keepAlive = setInterval(
        () => c.socket.readyState === 1 && c.send({ type: "ping" }),
        100,
      );
      noticed = c.nextOf("server_notice");
      closedByShutdown = c.closed.finally(() => clearInterval(keepAlive));
    });

    await t.step(
      "shutdown sends a server_notice, then closes sockets with 1001",
      async () => {
        const notice = await noticed! as { level: string; text: string };
        assert.equal(notice.level, "warning");
        assert.equal(typeof notice.text, "string");
        assert.equal((await closedByShutdown!).code, 1001);
      },
    );
  },
);

Deno.test("gateway rate limits", integration, async (t) => {
  await withServer(
    { RATE_FRAMES_BURST: "5", RATE_FRAMES_PER_SEC: "1" },
    async (server) => {
      const alice = await newUser(server.url);

      await t.step(
        "frames past the limit get rate_limited with retry_after_ms",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          for (let i = 0; i < 8; i++) c.send({ type: "ping", ref: `p${i}` });
          const error = await c.nextOf("error");
          assert.equal(error.code, "rate_limited");
          assert.ok(error.retry_after_ms > 0 && error.retry_after_ms <= 1000);
          assert.equal(c.socket.readyState, WebSocket.OPEN);
          await c.close();
        },
      );

      await t.step(
        "a client that keeps flooding is closed with 4008",
        async () => {
          const c = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          for (let i = 0; i < 80; i++) c.send({ type: "ping" });
          assert.equal((await c.closed).code, 4008);
        },
      );
    },
  );
});
