/**
 * PROTOCOL.md §4 across three instances on one Redis: concurrent edits, reactions and sends keep
 * `rev` gap-free and lose nothing; resuming with `since_rev` on another instance ends in the
 * fresh-load state; a deleted message's text survives in no stored copy (store, Redis keys);
 * and a SIGKILLed instance loses no change anyone saw.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { busKeys } from "../../lib/bus/_keys.ts";
import { KvStore } from "../../lib/store/kv_store.ts";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { withCluster } from "../helpers/cluster.ts";
import { integration } from "../helpers/fixture.ts";
import { type Frame, GatewayClient } from "../helpers/gateway_client.ts";
import { fullHistory, waitFor } from "../helpers/history.ts";
import { redisTest } from "../helpers/redis_server.ts";
import { assertRevsFrom, isGroupEvent, Replica } from "../helpers/replica.ts";
import { kvDump } from "../helpers/kv_dump.ts";

/** Rate limits out of the way: these cases are about ordering and crashes, not throttling. */
const unthrottled = {
  RATE_FRAMES_BURST: "10000",
  RATE_FRAMES_PER_SEC: "10000",
  RATE_MESSAGES_BURST: "10000",
  RATE_MESSAGES_PER_SEC: "10000",
};

/**
 * A socket with the group events it received, in arrival order. A nonce retry's echo of a deleted
 * message carries no rev and is no event of the stream: it is left out.
 */
async function follower(wsUrl: string, token: string, groupId: string) {
  const socket = await GatewayClient.connect(wsUrl, { token });
  const events: Frame[] = [];
  socket.observers.add((f) => {
    if (isGroupEvent(groupId)(f) && f.rev !== undefined) events.push(f);
  });
  return { socket, events };
}

/** Every value Redis holds under the service's prefix, as text. */
async function redisDump(redis: Redis): Promise<string> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "salvioris:*");
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === "string") out.push(String(await redis.get(key)));
      if (type === "hash") out.push(JSON.stringify(await redis.hgetall(key)));
      if (type === "zset") {
        out.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      }
      if (type === "stream") {
        out.push(JSON.stringify(await redis.xrange(key, "-", "+")));
      }
    }
  } while (cursor !== "0");
  return out.join("\n");
}

redisTest(
  "§4 changes across three instances on Redis",
  async (t) => {
    await withCluster({
      env: { HANDOFF_CLAIM_IDLE_MS: "1000", ...unthrottled },
    }, async ({ redis, servers, kvPath }) => {
      const observer = new Redis(redis.url, { lazyConnect: true });
      observer.on("error", () => {/* reported by the failing command */});
      await observer.connect();
      const [n1, n2, n3] = servers;
      const ann = await newUser(n1.url, "ann");
      const ben = await newUser(n2.url, "ben");
      const cat = await newUser(n3.url, "cat");
      const group = await newGroup(ann.api, "everywhere");
      const g = group.id;
      await ben.api.post(`/api/groups/${g}/join`, {});
      await cat.api.post(`/api/groups/${g}/join`, {});
      const a = await follower(n1.wsUrl, ann.token, g);
      let b = await follower(n2.wsUrl, ben.token, g);
      const c = await follower(n3.wsUrl, cat.token, g);
      const all = () => [a, b, c];
      for (const f of all()) {
        f.socket.send({ type: "subscribe", group_ids: [g] });
        await f.socket.nextOf("subscribed");
      }
      const until = (n: number, followers = all()) =>
        waitFor(
          `every socket to hold ${n} events`,
          () => followers.every((f) => f.events.length >= n),
          { intervalMs: 20 },
        );
      let head = 0;

      try {
        await t.step(
          "concurrent edits, reactions and sends from all three keep rev gap-free and lose nothing",
          async () => {
            for (
              const [f, text] of [[a, "one"], [a, "two"], [a, "three"], [
                b,
                "ben's",
              ], [c, "cat's"]] as const
            ) {
              f.socket.send({ type: "message", group_id: g, text });
              await until(++head);
            }
            const emojis = [
              [..."😀😁😂🤣"],
              [..."😃😄😅😆"],
              [..."😉😊😋😎"],
            ];
            const own = [1, 4, 5];
            const frames = all().map((_, u) => {
              const list: object[] = [];
              for (let k = 0; k < 4; k++) {
                for (const seq of [1, 2, 3]) {
                  list.push({
                    type: "react",
                    group_id: g,
                    seq,
                    emoji: emojis[u][k],
                  });
                }
                list.push({
                  type: "edit",
                  group_id: g,
                  seq: own[u],
                  text: `v${k} of ${u}`,
                });
                list.push({
                  type: "message",
                  group_id: g,
                  text: `burst ${u}.${k}`,
                });
              }
              return list;
            });
            all().forEach((f, u) =>
              frames[u].forEach((frame) => f.socket.send(frame))
            );
            head += frames.flat().length;
            await until(head);
            for (const f of all()) {
              assertRevsFrom(f.events.map((e) => e.rev), 0, head);
              const seqs = f.events.filter((e) => e.type === "message").map((
                e,
              ) => e.message.seq);
              assert.deepEqual(
                seqs,
                Array.from({ length: seqs.length }, (_, i) => i + 1),
              );
              assert.equal(f.socket.drain("error").length, 0);
            }
            const history = await fullHistory(ben.api, g);
            for (const seq of [1, 2, 3]) {
              const reactions = history[seq - 1].reactions;
              assert.equal(
                Object.keys(reactions).length,
                12,
                "no reaction lost",
              );
              for (const [u, user] of [ann, ben, cat].entries()) {
                for (const emoji of emojis[u]) {
                  assert.deepEqual(reactions[emoji], [user.user.id]);
                }
              }
            }
            assert.equal(history[3].text, "v3 of 1");
            for (const f of all()) {
              const replica = new Replica();
              f.events.forEach((e) => replica.apply(e));
              assert.deepEqual(
                replica.history(),
                history,
                "live state = fresh load",
              );
            }
          },
        );

        await t.step(
          "resuming with since_rev on another instance after edits, deletions and reactions gives the fresh-load state",
          async () => {
            const replica = new Replica();
            b.events.forEach((e) => replica.apply(e));
            await b.socket.close();
            const changes = [
              { type: "edit", group_id: g, seq: 1, text: "one, edited" },
              { type: "delete", group_id: g, seq: 2 },
              { type: "react", group_id: g, seq: 3, emoji: "🎉" },
              { type: "message", group_id: g, text: "reply", reply_to: 2 },
              { type: "unreact", group_id: g, seq: 3, emoji: "😀" },
            ];
            for (const frame of changes) {
              a.socket.send(frame);
              await until(++head, [a, c]);
            }
            b = await follower(n3.wsUrl, ben.token, g);
            b.socket.send({
              type: "subscribe",
              group_ids: [g],
              since_rev: { [g]: replica.lastRev },
            });
            const subscribed = await b.socket.nextOf("subscribed");
            assert.equal(subscribed.groups[0].head_rev, head);
            assert.equal(b.socket.drain("resync").length, 0);
            b.events.forEach((e) => replica.apply(e));
            assertRevsFrom(
              b.events.map((e) => e.rev),
              head - changes.length,
              head,
            );
            assert.deepEqual(replica.history(), await fullHistory(cat.api, g));
          },
        );

        await t.step(
          "a deleted message's text is in no stored copy: store, recovery buffer, pending states, hand-off, nonce",
          async () => {
            const secret = `SECRET-${crypto.randomUUID()}`;
            a.socket.send({
              type: "message",
              group_id: g,
              text: secret,
              nonce: "secret-nonce",
            });
            await until(++head, [a, c]);
            const seq = a.events.at(-1)!.message.seq;
            a.socket.send({
              type: "edit",
              group_id: g,
              seq,
              text: `${secret} edited`,
            });
            c.socket.send({ type: "react", group_id: g, seq, emoji: "👀" });
            head += 2;
            await until(head, [a, c]);
            assert.ok(
              (await redisDump(observer)).includes(secret),
              "the probe sees live copies",
            );
            a.socket.send({ type: "delete", group_id: g, seq });
            await until(++head, [a, c]);
            const store = await KvStore.open(kvPath);
            try {
              await waitFor(
                "the store to hold the tombstone",
                async () =>
                  (await store.messagesBySeqs(g, [seq]))[0]?.deleted === true,
              );
            } finally {
              await store.close();
            }
            await waitFor(
              "the hand-off to be empty",
              async () => await observer.xlen(busKeys.handoff) === 0,
            );
            assert.ok(
              !(await redisDump(observer)).includes(secret),
              "not in Redis",
            );
            assert.ok(
              !(await kvDump(kvPath)).includes(secret),
              "not in the store's file",
            );
            a.socket.send({
              type: "message",
              group_id: g,
              text: "again",
              nonce: "secret-nonce",
            });
            const retry = await a.socket.next((f) =>
              f.type === "message" && f.message.seq === seq &&
              f.rev === undefined
            );
            assert.equal(
              retry.message.deleted,
              true,
              "a nonce retry answers the tombstone",
            );
          },
        );

        await t.step(
          "an instance SIGKILLed mid-traffic loses no change anyone saw",
          async () => {
            const burst = await follower(n2.wsUrl, ben.token, g);
            const start = a.events.length;
            for (let i = 0; i < 60; i++) {
              burst.socket.send(
                i % 2 === 0
                  ? {
                    type: "edit",
                    group_id: g,
                    seq: 4,
                    text: `burst edit ${i}`,
                  }
                  : { type: "message", group_id: g, text: `burst send ${i}` },
              );
            }
            await waitFor(
              "traffic through n2",
              () => a.events.length >= start + 10,
              { intervalMs: 1 },
            );
            await n2.kill();
            await burst.socket.closed;
            // What the survivors saw is all there is: wait until they agree, then check it.
            let seen = -1;
            await waitFor("the survivors to stop receiving", async () => {
              await new Promise((r) => setTimeout(r, 300));
              const now = a.events.length;
              const settled = now === seen && c.events.length === now;
              seen = now;
              return settled;
            }, { timeoutMs: 30_000 });
            const revs = a.events.map((e) => e.rev);
            assertRevsFrom(revs, 0, revs.length);
            assert.ok(revs.length >= start + 10, "the burst was under way");
            const replica = new Replica();
            a.events.forEach((e) => replica.apply(e));
            const history = await fullHistory(cat.api, g);
            assert.deepEqual(
              history,
              replica.history(),
              "every change seen is in history",
            );
            const store = await KvStore.open(kvPath);
            try {
              await waitFor("the store to hold every state seen", async () => {
                const stored = await store.messagesInRange(
                  g,
                  1,
                  history.length,
                );
                return JSON.stringify(stored) === JSON.stringify(history);
              }, { timeoutMs: 30_000, intervalMs: 200 });
            } finally {
              await store.close();
            }
            await waitFor("no hand-off entry left unacknowledged", async () => {
              const pending = await observer.call(
                "XPENDING",
                busKeys.handoff,
                busKeys.handoffGroup,
              ) as [number, ...unknown[]];
              return pending[0] === 0 &&
                await observer.xlen(busKeys.handoff) === 0;
            }, { timeoutMs: 30_000 });
          },
        );
      } finally {
        await Promise.all(all().map((f) => f.socket.close().catch(() => {})));
        observer.disconnect();
      }
    });
  },
  integration,
);
