/**
 * The embedded bus (no Redis, one KV file) survives SIGKILL at random points mid-burst, many
 * times over: after each restart on the same KV_PATH, every message anyone received is in history
 * with the same id at the same seq, history is seq 1..N with no gap and no repeat, every client
 * resuming with `since` receives exactly the rest (no duplicate, no gap, no `resync`), and a nonce
 * that had no echo at the kill, sent again, returns the first message instead of a second one.
 * About one restart in three is killed again as soon as it listens, while it drains the hand-off.
 * The same holds with MongoDB (FerretDB here) as the store; there, a new KV file continues the
 * seq from MongoDB's head.
 *
 * `CRASH_KILLS` and `CRASH_SEED` replay a run; both are printed.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { assertExactlyOnce } from "../helpers/cluster.ts";
import {
  mongoTest,
  sharedMongo,
  testDbName,
} from "../helpers/ferretdb_server.ts";
import { integration } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory, waitFor } from "../helpers/history.ts";
import { ResumingSender } from "../helpers/resuming_sender.ts";
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "../helpers/server_process.ts";

const kills = Number(Deno.env.get("CRASH_KILLS") ?? 15);
const seed = Number(
  Deno.env.get("CRASH_SEED") ?? Math.floor(Math.random() * 2 ** 31),
);
const senderCount = 3;
/** Messages each sender sends between two kills. */
const perBurst = 20;
const burst = senderCount * perBurst;

/** Rate limits out of the way: this test is about a crash, not throttling. */
const unthrottled = {
  RATE_FRAMES_BURST: "10000",
  RATE_FRAMES_PER_SEC: "10000",
  RATE_MESSAGES_BURST: "10000",
  RATE_MESSAGES_PER_SEC: "10000",
};

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function seeded(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Sends `nonce` again as its author on a fresh socket and answers the message it gets back. */
async function retryNonce(
  wsUrl: string,
  token: string,
  groupId: string,
  nonce: string,
): Promise<Frame> {
  const socket = await GatewayClient.connect(wsUrl, { token });
  try {
    socket.send({ type: "message", group_id: groupId, text: "retry", nonce });
    const answer = await socket.next((f) =>
      (f.type === "message" && f.message.nonce === nonce) ||
      (f.type === "error" && f.nonce === nonce)
    );
    assert.equal(answer.type, "message", JSON.stringify(answer));
    return answer.message;
  } finally {
    await socket.close();
  }
}

type Author = Awaited<ReturnType<typeof newUser>>;

/** One server process, restarted on the same files, and the clients of one group on it. */
class CrashRun {
  server!: ServerProcess;
  /** Read afresh by every client at each reconnection: a restarted process has a new port. */
  readonly urls: string[] = [];
  readonly received = new Map<string, Frame>();
  readonly clients: ResumingSender[] = [];
  readonly senders: { user: Author; client: ResumingSender }[] = [];
  reader!: ResumingSender;
  owner!: Author;
  groupId = "";

  constructor(private env: Record<string, string>, readonly storeAt: string) {}

  async start(): Promise<void> {
    await this.restart();
    this.owner = await newUser(this.server.url, "owner");
    this.groupId = (await newGroup(this.owner.api, "crash")).id;
    for (let i = 0; i < senderCount; i++) {
      this.senders.push(await this.join(`sender${i}`));
    }
    this.reader = (await this.join("reader")).client;
    await Promise.all(this.clients.map((c) => c.start()));
  }

  /** Starts the process again on the same files (or on `env` changed by `change`). */
  async restart(change: Record<string, string> = {}): Promise<void> {
    this.env = { ...this.env, ...change };
    this.server = await startServerProcess(this.env);
    this.urls[0] = this.server.wsUrl;
  }

  /**
   * Sends a burst and SIGKILLs the process once the reader saw `at` messages of it (and the
   * restarted one at once, if `twice`); answers the nonces that had no echo at the kill.
   */
  async burstWithKill(at: number, twice: boolean) {
    const seenBefore = this.reader.messages.length;
    const traffic = Promise.all(
      this.senders.map(({ client }) => client.send(perBurst)),
    );
    traffic.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
    await waitFor(
      `the reader to see ${at} messages of the burst`,
      () => this.reader.messages.length - seenBefore >= at,
      { intervalMs: 1 },
    );
    const unacknowledged = this.senders.flatMap(({ user, client }) =>
      client.pendingNonce === null ? [] : [{ user, nonce: client.pendingNonce }]
    );
    const socketsAtKill = this.clients.map((c) => c.sockets.length);
    await this.server.kill();
    await this.restart();
    if (twice) {
      await this.server.kill();
      await this.restart();
    }
    await traffic;
    // A sender killed mid-send resumed on its own; the reader, and a sender that was done,
    // resume now, from the last seq they saw.
    await Promise.all(this.clients.map(async (client, i) => {
      if (client.sockets.length > socketsAtKill[i]) return;
      await client.sockets.at(-1)!.closed;
      await client.resume();
    }));
    return unacknowledged;
  }

  /** Every client saw 1..head once, with no resync, over all its sockets. */
  async assertClientsSaw(head: number): Promise<void> {
    for (const client of this.clients) {
      await client.waitForSeq(head);
      assert.deepEqual(
        client.seqs,
        oneTo(head),
        `${client.sockets.length} sockets of one client saw 1..${head} once each`,
      );
      for (const socket of client.sockets) {
        const resyncs = socket.received.filter((f) => f.type === "resync");
        assert.equal(resyncs.length, 0, "no resync");
      }
    }
  }

  /**
   * History is 1..head with one message per nonce and every received message at its seq, the
   * store holds the same, and each nonce in `retried`, sent again, answers its first message.
   */
  async assertHistory(
    head: number,
    retried: { user: Author; nonce: string }[] = [],
  ): Promise<void> {
    const api = new ApiClient(this.server.url, this.owner.token);
    const history = await fullHistory(api, this.groupId);
    assert.equal(history.length, head, "every message once, none twice");
    for (const { user, nonce } of retried) {
      const again = await retryNonce(
        this.urls[0],
        user.token,
        this.groupId,
        nonce,
      );
      const first = history.find((m) =>
        m.author.id === user.user.id && m.nonce === nonce
      );
      assert.deepEqual(again, first, `${nonce} answered its first message`);
    }
    const after = await fullHistory(api, this.groupId);
    assert.equal(after.length, head, "a retried nonce made nothing new");
    const nonces = new Set(after.map((m) => `${m.author.id} ${m.nonce}`));
    assert.equal(nonces.size, head, "one message per nonce");
    await assertExactlyOnce(after, this.received, this.storeAt, this.groupId);
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    await this.server?.stop();
  }

  async join(name: string) {
    const user = await newUser(this.server.url, name);
    await user.api.post(`/api/groups/${this.groupId}/join`, {});
    const client = new ResumingSender({
      name,
      token: user.token,
      userId: user.user.id,
      groupId: this.groupId,
      wsUrls: this.urls,
      onMessage: (f) => this.received.set(f.message.id, f.message),
      resumeWithinMs: 60_000,
    });
    this.clients.push(client);
    return { user, client };
  }
}

/** Runs `count` bursts, each with a kill at a random point, as steps of `t`. */
async function killMidBursts(
  t: Deno.TestContext,
  run: CrashRun,
  count: number,
): Promise<void> {
  const random = seeded(seed);
  console.log(
    `crash test: ${count} bursts, each SIGKILLed at a random point, seed ${seed}`,
  );
  let extraKills = 0;
  for (let kill = 1; kill <= count; kill++) {
    const at = 1 + Math.floor(random() * (burst - 1));
    // Now and then the restarted process is killed again at once, while it recovers.
    const twice = random() < 0.3;
    if (twice) extraKills++;
    await t.step(
      `kill ${kill}/${count}, after the reader saw ${at} of ${burst} messages of the burst${
        twice ? ", and again as soon as it listens" : ""
      }`,
      async () => {
        const unacknowledged = await run.burstWithKill(at, twice);
        await run.assertClientsSaw(kill * burst);
        await run.assertHistory(kill * burst, unacknowledged);
      },
    );
  }
  console.log(
    `crash test: ${
      count + extraKills
    } SIGKILLs (${count} mid-burst, ${extraKills} right ` +
      `after a restart), seed ${seed}: ${count * burst} messages, ` +
      `${run.received.size} received, history 1..${count * burst}`,
  );
}

Deno.test(
  "the embedded default, SIGKILLed again and again mid-burst, keeps every received message, every seq once, resume and nonces",
  integration,
  async (t) => {
    const kvPath = await tempKvPath();
    const run = new CrashRun({ KV_PATH: kvPath, ...unthrottled }, kvPath);
    try {
      await run.start();
      await killMidBursts(t, run, kills);
    } catch (err) {
      console.error(run.server?.output().slice(-4000));
      throw err;
    } finally {
      await run.stop();
      await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
    }
  },
);

mongoTest(
  "with MongoDB and no Redis the bus keeps to the KV file: SIGKILLs mid-burst lose nothing, and a new KV file continues from MongoDB's head",
  async (t) => {
    const uri = (await sharedMongo()).uriOf(testDbName());
    const kvPath = await tempKvPath();
    const newKvPath = await tempKvPath();
    const env = { KV_PATH: kvPath, MONGODB_URI: uri, ...unthrottled };
    const run = new CrashRun(env, uri);
    try {
      await run.start();
      await killMidBursts(t, run, Math.min(kills, 4));
      const head = Math.min(kills, 4) * burst;
      await t.step(
        "a new KV file after a graceful stop asks MongoDB's head and continues after it",
        async () => {
          await run.server.stop(); // graceful: the hand-off is written first
          await run.restart({ KV_PATH: newKvPath });
          await Promise.all(run.clients.map((c) => c.resume()));
          await run.senders[0].client.send(1);
          await run.assertClientsSaw(head + 1);
          await run.assertHistory(head + 1);
        },
      );
    } catch (err) {
      console.error(run.server?.output().slice(-4000));
      throw err;
    } finally {
      await run.stop();
      for (const path of [kvPath, newKvPath]) {
        await Deno.remove(dirname(path), { recursive: true }).catch(() => {});
      }
    }
  },
);
