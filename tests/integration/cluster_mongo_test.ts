/**
 * Three real instances on one private Redis with MongoDB as the history of record (`MONGODB_URI`:
 * the server the environment names, or a private FerretDB; the restart test always uses its own): delivery across instances, history
 * pages, resume on another instance, an instance SIGKILLed mid-traffic, and the database server
 * stopped and started again under traffic. After each, the history read over HTTP and the
 * database itself hold every echoed message exactly once.
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { newGroup, newUser } from "../helpers/api_client.ts";
import {
  assertExactlyOnce,
  readiness,
  withCluster,
} from "../helpers/cluster.ts";
import {
  ferretdbTest,
  type MongoServer,
  mongoTest,
  startMongo,
  startPrivateMongo,
  testDbName,
} from "../helpers/ferretdb_server.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory, waitFor } from "../helpers/history.ts";
import { ResumingSender } from "../helpers/resuming_sender.ts";
import type { ServerProcess } from "../helpers/server_process.ts";

/** Rate limits out of the way: these tests are about the store, not throttling. */
const unthrottled = {
  RATE_FRAMES_BURST: "10000",
  RATE_FRAMES_PER_SEC: "10000",
  RATE_MESSAGES_BURST: "10000",
  RATE_MESSAGES_PER_SEC: "10000",
  // A live instance claims a dead one's unacknowledged hand-off entries after 1 s.
  HANDOFF_CLAIM_IDLE_MS: "1000",
};

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Runs `fn` with a MongoDB server (a private one when `restartable`) and a fresh database name on
 * it; the database is dropped afterwards and a private server killed.
 */
async function withMongo(
  restartable: boolean,
  fn: (mongo: MongoServer, uri: string) => Promise<void>,
): Promise<void> {
  const mongo = restartable ? await startPrivateMongo() : await startMongo();
  const dbName = testDbName();
  try {
    await fn(mongo, mongo.uriOf(dbName));
  } catch (err) {
    console.error(`--- mongo output ---\n${mongo.output().slice(-3000)}`);
    throw err;
  } finally {
    // A server of MONGODB_URI outlives the test: leave it as it was found.
    const client = new MongoClient(mongo.uri, {
      serverSelectionTimeoutMS: 5000,
    });
    await client.db(dbName).dropDatabase().catch(() => {});
    await client.close();
    await mongo.kill();
  }
}

/** One resuming sender per instance, each homed on its own instance, all in one new group. */
async function sendersOnEveryInstance(
  servers: ServerProcess[],
  echoed: Map<string, Frame>,
  count = servers.length,
) {
  const owner = await newUser(servers[0].url, "owner");
  const group = await newGroup(owner.api, "mongo");
  const senders: ResumingSender[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const home = i % servers.length;
    const user = await newUser(servers[home].url, `sender${i}`);
    await user.api.post(`/api/groups/${group.id}/join`, {});
    tokens.push(user.token);
    senders.push(
      new ResumingSender({
        name: `c${i}`,
        token: user.token,
        userId: user.user.id,
        groupId: group.id,
        wsUrls: servers.map((_, k) =>
          servers[(home + k) % servers.length].wsUrl
        ),
        onMessage: (f) => echoed.set(f.message.id, f.message),
      }),
    );
  }
  await Promise.all(senders.map((s) => s.start()));
  return { owner, group, senders, tokens };
}

mongoTest(
  "three instances on one Redis and one MongoDB database deliver, page history, resume, and lose nothing to a SIGKILL",
  async (t) => {
    await withMongo(false, async (_mongo, uri) => {
      await withCluster(
        { mongodbUri: uri, env: unthrottled },
        async ({ servers, storeAt }) => {
          const echoed = new Map<string, Frame>();
          const { owner, group, senders, tokens } =
            await sendersOnEveryInstance(servers, echoed, 6);
          try {
            await t.step(
              "messages sent on every instance reach every instance in one seq order",
              async () => {
                await Promise.all(senders.map((s) => s.send(20)));
                for (const s of senders) {
                  await s.waitForSeq(120);
                  assert.deepEqual(s.seqs, oneTo(120));
                }
              },
            );

            await t.step(
              "history reads back in pages from MongoDB, exactly as delivered",
              async () => {
                const history = await waitFor(
                  "history to hold 120",
                  async () => {
                    const h = await fullHistory(owner.api, group.id);
                    return h.length === 120 ? h : undefined;
                  },
                );
                await assertExactlyOnce(history, echoed, storeAt, group.id);
                const page = await owner.api.get(
                  `/api/groups/${group.id}/messages?limit=50&before_seq=101`,
                );
                assert.equal(page.status, 200);
                assert.deepEqual(
                  page.body.messages.map((m: Frame) => m.seq),
                  oneTo(50).map((n) => n + 50),
                );
                assert.equal(page.body.has_more, true);
              },
            );

            await t.step(
              "a client that was away resumes with since on another instance and gets exactly what it missed",
              async () => {
                const away = senders[1];
                const lastSeen = away.lastSeq;
                await away.close();
                await Promise.all([senders[0].send(10), senders[2].send(10)]);
                // It was homed on the second instance; it comes back on the third.
                const back = await GatewayClient.connect(servers[2].wsUrl, {
                  token: tokens[1],
                });
                try {
                  back.send({
                    type: "subscribe",
                    group_ids: [group.id],
                    since: { [group.id]: lastSeen },
                  });
                  await back.nextOf("subscribed");
                  const missed: number[] = [];
                  while (missed.length < 20) {
                    missed.push((await back.nextOf("message")).message.seq);
                  }
                  assert.deepEqual(missed, oneTo(20).map((n) => n + lastSeen));
                  await back.roundTrip();
                  assert.equal(back.drain("message").length, 0, "no duplicate");
                } finally {
                  await back.close();
                }
              },
            );

            await t.step(
              "an instance SIGKILLed mid-traffic: every echoed message is stored once, seq 1..N",
              async () => {
                const live = [0, 2, 3, 5].map((i) => senders[i]);
                const before = echoed.size;
                const traffic = Promise.all(live.map((s) => s.send(40)));
                await waitFor(
                  "traffic to be under way",
                  () => echoed.size >= before + 40,
                  { intervalMs: 1 },
                );
                await servers[2].kill();
                await traffic;
                const head = before + live.length * 40;
                for (const s of live) await s.waitForSeq(head);
                const history = await waitFor(
                  `history to hold ${head}`,
                  async () => {
                    const h = await fullHistory(owner.api, group.id);
                    return h.length === head ? h : undefined;
                  },
                  { timeoutMs: 30_000 },
                );
                await assertExactlyOnce(history, echoed, storeAt, group.id);
              },
            );
          } finally {
            await Promise.all(senders.map((s) => s.close()));
          }
        },
      );
    });
  },
);

ferretdbTest(
  "the database server stopped under traffic and started again: delivery goes on through Redis, and history catches up once, with nothing lost or doubled",
  async (t) => {
    await withMongo(true, async (mongo, uri) => {
      await withCluster(
        { mongodbUri: uri, env: unthrottled },
        async ({ servers, storeAt }) => {
          const echoed = new Map<string, Frame>();
          const { owner, group, senders } = await sendersOnEveryInstance(
            servers,
            echoed,
          );
          try {
            await t.step("before the outage messages are stored", async () => {
              await Promise.all(senders.map((s) => s.send(5)));
              const history = await waitFor("history to hold 15", async () => {
                const h = await fullHistory(owner.api, group.id);
                return h.length === 15 ? h : undefined;
              });
              assert.equal(history.length, 15);
            });

            await t.step(
              "while the database is down, /readyz names the store and every subscribed client still gets every message in order",
              async () => {
                await mongo.stop();
                for (const server of servers) {
                  assert.deepEqual(await readiness(server), {
                    status: 503,
                    body: { bus: "ok", store: "unreachable" },
                  });
                }
                await Promise.all(senders.map((s) => s.send(10)));
                for (const s of senders) {
                  await s.waitForSeq(45);
                  assert.deepEqual(s.seqs, oneTo(45));
                }
                const res = await owner.api.get(
                  `/api/groups/${group.id}/messages?limit=100`,
                );
                assert.notEqual(res.status, 200, "history needs the database");
              },
            );

            await t.step(
              "after the database is back, history holds every message once, the outage's included",
              async () => {
                await mongo.start();
                await Promise.all(senders.map((s) => s.send(5)));
                const history = await waitFor(
                  "history to hold 60",
                  async () => {
                    const h = await fullHistory(owner.api, group.id);
                    return h.length === 60 ? h : undefined;
                  },
                  { timeoutMs: 60_000, intervalMs: 250 },
                );
                await assertExactlyOnce(history, echoed, storeAt, group.id);
                for (const server of servers) {
                  assert.equal((await readiness(server)).status, 200);
                }
              },
            );
          } finally {
            await Promise.all(senders.map((s) => s.close()));
          }
        },
      );
    });
  },
);
