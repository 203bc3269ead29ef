/**
 * The embedded default (no Redis, one KV file) survives SIGKILL at random points mid-burst, many
 * times over: after each restart on the same KV_PATH, every message anyone received is in history
 * with the same id at the same seq, history is seq 1..N with no gap and no repeat, every client
 * resuming with `since` receives exactly the rest (no duplicate, no gap, no `resync`), and a nonce
 * that had no echo at the kill, sent again, returns the first message instead of a second one.
 * About one restart in three is killed again as soon as it listens, while it drains the hand-off.
 *
 * `CRASH_KILLS` and `CRASH_SEED` replay a run; both are printed.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { ApiClient, newGroup, newUser } from "../helpers/api_client.ts";
import { assertExactlyOnce } from "../helpers/cluster.ts";
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

Deno.test(
  "the embedded default, SIGKILLed again and again mid-burst, keeps every received message, every seq once, resume and nonces",
  integration,
  async (t) => {
    const random = seeded(seed);
    console.log(
      `crash test: ${kills} bursts, each SIGKILLed at a random point, seed ${seed}`,
    );
    const kvPath = await tempKvPath();
    const env = { KV_PATH: kvPath, ...unthrottled };
    let server: ServerProcess = await startServerProcess(env);
    // Read afresh by every client at each reconnection: the restarted process has a new port.
    const urls = [server.wsUrl];
    const received = new Map<string, Frame>();
    const clients: ResumingSender[] = [];
    let extraKills = 0;
    try {
      const owner = await newUser(server.url, "owner");
      const group = await newGroup(owner.api, "crash");
      const join = async (name: string) => {
        const user = await newUser(server.url, name);
        await user.api.post(`/api/groups/${group.id}/join`, {});
        const client = new ResumingSender({
          name,
          token: user.token,
          userId: user.user.id,
          groupId: group.id,
          wsUrls: urls,
          onMessage: (f) => received.set(f.message.id, f.message),
          resumeWithinMs: 60_000,
        });
        clients.push(client);
        return { user, client };
      };
      const senders: Awaited<ReturnType<typeof join>>[] = [];
      for (let i = 0; i < senderCount; i++) {
        senders.push(await join(`sender${i}`));
      }
      const { client: subscriber } = await join("reader");
      await Promise.all(clients.map((c) => c.start()));

      for (let kill = 1; kill <= kills; kill++) {
        const at = 1 + Math.floor(random() * (burst - 1));
        // Now and then the restarted process is killed again at once, while it recovers.
        const twice = random() < 0.3;
        if (twice) extraKills++;
        await t.step(
          `kill ${kill}/${kills}, after the reader saw ${at} of ${burst} messages of the burst${
            twice ? ", and again as soon as it listens" : ""
          }`,
          async () => {
            const seenBefore = subscriber.messages.length;
            const traffic = Promise.all(
              senders.map(({ client }) => client.send(perBurst)),
            );
            traffic.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
            await waitFor(
              `the reader to see ${at} messages of burst ${kill}`,
              () => subscriber.messages.length - seenBefore >= at,
              { intervalMs: 1 },
            );
            const unacknowledged = senders.flatMap(({ user, client }) =>
              client.pendingNonce === null
                ? []
                : [{ user, nonce: client.pendingNonce }]
            );
            const socketsAtKill = clients.map((c) => c.sockets.length);
            await server.kill();
            server = await startServerProcess(env);
            if (twice) {
              await server.kill();
              server = await startServerProcess(env);
            }
            urls[0] = server.wsUrl;
            await traffic;
            // A sender killed mid-send resumed on its own; the reader, and a sender that was done,
            // resume now, from the last seq they saw.
            await Promise.all(clients.map(async (client, i) => {
              if (client.sockets.length > socketsAtKill[i]) return;
              await client.sockets.at(-1)!.closed;
              await client.resume();
            }));

            const head = kill * burst;
            for (const client of clients) {
              await client.waitForSeq(head);
              assert.deepEqual(
                client.seqs,
                oneTo(head),
                `${client.sockets.length} sockets of one client saw 1..${head} once each`,
              );
              for (const socket of client.sockets) {
                assert.equal(
                  socket.received.filter((f) => f.type === "resync").length,
                  0,
                  "no resync",
                );
              }
            }

            const api = new ApiClient(server.url, owner.token);
            const history = await fullHistory(api, group.id);
            assert.equal(
              history.length,
              head,
              "every message once, none twice",
            );
            for (const { user, nonce } of unacknowledged) {
              const again = await retryNonce(
                urls[0],
                user.token,
                group.id,
                nonce,
              );
              const first = history.find((m) =>
                m.author.id === user.user.id && m.nonce === nonce
              );
              assert.deepEqual(
                again,
                first,
                `${nonce} answered its first message`,
              );
            }
            const after = await fullHistory(api, group.id);
            assert.equal(
              after.length,
              head,
              "a retried nonce made nothing new",
            );
            const nonces = new Set(
              after.map((m) => `${m.author.id} ${m.nonce}`),
            );
            assert.equal(nonces.size, head, "one message per nonce");
            await assertExactlyOnce(after, received, kvPath, group.id);
          },
        );
      }
      const total = kills * burst;
      console.log(
        `crash test: ${
          kills + extraKills
        } SIGKILLs (${kills} mid-burst, ${extraKills} ` +
          `right after a restart), seed ${seed}: ${total} messages, ` +
          `${received.size} received, history 1..${total}`,
      );
    } catch (err) {
      console.error(server.output().slice(-4000));
      throw err;
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
      await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
    }
  },
);
