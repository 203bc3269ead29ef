/**
 * Issue 7 §4: anonymous sockets cannot pile up. Upgrades beyond the caps on open sockets (in
 * total, per address) and on sockets not yet identified are refused with 503 / 429 and a clear
 * error body; a socket that does not identify within 10 s is closed and frees its place; an
 * unidentified socket's oversized frame still gets 1009. Real server processes, real sockets.
 */
import assert from "node:assert/strict";
import { newUser } from "../helpers/api_client.ts";
import { integration, withServer } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { type RawUpgrade, rawUpgrade } from "../helpers/raw_upgrade.ts";

/** Opens `n` upgrades at once and answers them all (accepted ones stay open). */
function upgrades(port: number, n: number): Promise<RawUpgrade[]> {
  return Promise.all(Array.from({ length: n }, () => rawUpgrade(port)));
}

/** Retries `fn` every 200 ms until it succeeds, for up to 10 s. */
async function eventually<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  while (true) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function statuses(answers: RawUpgrade[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

function assertRefused(answer: RawUpgrade, status: number, code: string) {
  assert.equal(answer.status, status);
  assert.equal(answer.body?.error?.code, code);
  assert.ok(answer.body?.error?.message);
  assert.ok(answer.body?.error?.retry_after_ms! > 0);
  assert.ok(Number(answer.headers.get("retry-after")) >= 1);
}

Deno.test(
  "unidentified sockets are capped per address by default",
  integration,
  async (t) => {
    await withServer({}, async (server) => {
      const open: RawUpgrade[] = [];
      try {
        await t.step(
          "60 anonymous upgrades from one address: 50 accepted, 10 refused with 429",
          async () => {
            const answers = await upgrades(server.port, 60);
            open.push(...answers);
            assert.deepEqual(statuses(answers), { 101: 50, 429: 10 });
            assertRefused(
              answers.find((a) => a.status === 429)!,
              429,
              "rate_limited",
            );
          },
        );

        await t.step(
          "a socket identified by its cookie is still let in: it is not anonymous",
          async () => {
            const alice = await newUser(server.url);
            const c = await GatewayClient.connect(server.wsUrl, {
              headers: { cookie: `salvioris_session=${alice.token}` },
            });
            assert.equal(c.ready?.type, "ready");
            await c.close();
          },
        );

        await t.step(
          "silent sockets that never identify are dropped within 10 s, freeing their places",
          async () => {
            // The 50 silent sockets never answer the close frame; the server must still let go.
            const deadline = Date.now() + 30_000;
            let answer: RawUpgrade;
            while (true) {
              answer = await rawUpgrade(server.port);
              open.push(answer);
              if (answer.status === 101 || Date.now() > deadline) break;
              await new Promise((r) => setTimeout(r, 500));
            }
            assert.equal(answer.status, 101);
          },
        );
      } finally {
        open.forEach((a) => a.close());
      }
    });
  },
);

Deno.test(
  "socket caps: total, per address, and before identify",
  integration,
  async (t) => {
    await withServer(
      { MAX_UNIDENTIFIED_SOCKETS: "3", MAX_SOCKETS_PER_ADDRESS: "5" },
      async (server) => {
        const alice = await newUser(server.url);
        const open: RawUpgrade[] = [];
        const clients: GatewayClient[] = [];
        try {
          await t.step(
            "past MAX_UNIDENTIFIED_SOCKETS anonymous upgrades get 503 unavailable",
            async () => {
              const answers = await upgrades(server.port, 4);
              open.push(...answers);
              assert.deepEqual(statuses(answers), { 101: 3, 503: 1 });
              assertRefused(
                answers.find((a) => a.status === 503)!,
                503,
                "unavailable",
              );
            },
          );

          await t.step(
            "an identify frees its place among the unidentified",
            async () => {
              open.pop()?.close(); // the refused one
              // An accepted one goes: its place frees once the server has seen it close.
              open.shift()?.close();
              const anonymous = await eventually(() =>
                GatewayClient.connect(server.wsUrl, { waitReady: false })
              );
              assertRefused(await rawUpgrade(server.port), 503, "unavailable");
              anonymous.send({ type: "identify", token: alice.token });
              await anonymous.nextOf("ready");
              clients.push(anonymous);
              const freed = await rawUpgrade(server.port);
              open.push(freed);
              assert.equal(freed.status, 101);
              // This address now holds 3 unidentified sockets and 1 identified one.
            },
          );

          await t.step(
            "past MAX_SOCKETS_PER_ADDRESS even identified sockets get 429",
            async () => {
              clients.push(
                await GatewayClient.connect(server.wsUrl, {
                  headers: { cookie: `salvioris_session=${alice.token}` },
                }),
              );
              const refused = await rawUpgrade(server.port);
              assertRefused(refused, 429, "rate_limited");
            },
          );
        } finally {
          open.forEach((a) => a.close());
          await Promise.all(clients.map((c) => c.close()));
        }
      },
    );

    await withServer({ MAX_SOCKETS: "2" }, async (server) => {
      const alice = await newUser(server.url);
      await t.step(
        "past MAX_SOCKETS every upgrade gets 503 unavailable",
        async () => {
          const a = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          const b = await GatewayClient.connect(server.wsUrl, {
            token: alice.token,
          });
          try {
            assertRefused(await rawUpgrade(server.port), 503, "unavailable");
          } finally {
            await Promise.all([a.close(), b.close()]);
          }
        },
      );
    });
  },
);

Deno.test(
  "an unidentified socket sending a frame over 64 KiB gets 1009",
  integration,
  async () => {
    await withServer({}, async (server) => {
      const c = await GatewayClient.connect(server.wsUrl, { waitReady: false });
      c.send({ type: "identify", token: "x".repeat(70_000) });
      assert.equal((await c.nextOf("error")).code, "too_large");
      assert.equal((await c.closed).code, 1009);
    });
  },
);
