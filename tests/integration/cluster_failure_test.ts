/**
 * An instance SIGKILLed in the middle of traffic, clients on all three instances sending: every
 * message anyone saw echoed ends up in history exactly once (seq 1..N, no gap, no duplicate), the
 * dead instance's unacknowledged hand-off entries are claimed by a live one, and its clients
 * resume on another instance with no gap.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { busKeys } from "../../lib/bus/_keys.ts";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { assertExactlyOnce, withCluster } from "../helpers/cluster.ts";
import { integration } from "../helpers/fixture.ts";
import type { Frame } from "../helpers/gateway_client.ts";
import { fullHistory, waitFor } from "../helpers/history.ts";
import { redisTest } from "../helpers/redis_server.ts";
import { ResumingSender } from "../helpers/resuming_sender.ts";

/** Rate limits out of the way: this test is about a crash, not throttling. */
const unthrottled = {
  RATE_FRAMES_BURST: "10000",
  RATE_FRAMES_PER_SEC: "10000",
  RATE_MESSAGES_BURST: "10000",
  RATE_MESSAGES_PER_SEC: "10000",
};

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

redisTest(
  "an instance SIGKILLed mid-traffic loses no echoed message and its clients resume on another",
  async (t) => {
    await withCluster({
      // A live instance claims the dead one's unacknowledged hand-off entries after 1 s.
      env: { HANDOFF_CLAIM_IDLE_MS: "1000", ...unthrottled },
    }, async ({ redis, servers, kvPath }) => {
      const [s1, , s3] = servers;
      const observer = new Redis(redis.url, { lazyConnect: true });
      observer.on("error", () => {/* reported by the failing command */});
      await observer.connect();
      /** Unacknowledged hand-off entries of one consumer, or of all. */
      const pendingOf = async (consumer?: string) => {
        const args = ["-", "+", 1000, ...(consumer ? [consumer] : [])];
        const entries = await observer.call(
          "XPENDING",
          busKeys.handoff,
          busKeys.handoffGroup,
          ...args,
        ) as unknown[];
        return entries.length;
      };

      const owner = await newUser(s1.url, "owner");
      const group = await newGroup(owner.api, "traffic");
      const echoed = new Map<string, Frame>();
      const senders: ResumingSender[] = [];
      const perSender = 60;
      for (let i = 0; i < 6; i++) {
        const home = i % 3;
        const user = await newUser(servers[home].url, `sender${i}`);
        await user.api.post(`/api/groups/${group.id}/join`, {});
        senders.push(
          new ResumingSender({
            name: `c${i}`,
            token: user.token,
            userId: user.user.id,
            groupId: group.id,
            // Its own instance first, then the others in turn.
            wsUrls: [0, 1, 2].map((k) => servers[(home + k) % 3].wsUrl),
            onMessage: (f) => echoed.set(f.message.id, f.message),
          }),
        );
      }
      const onDead = senders.filter((_, i) => i % 3 === 2);
      let head = 0;
      let heldByDead = 0;

      try {
        await Promise.all(senders.map((s) => s.start()));

        await t.step(
          "clients on all three instances keep sending through the SIGKILL of one instance",
          async () => {
            const traffic = Promise.all(senders.map((s) => s.send(perSender)));
            await waitFor("traffic to be under way", () => echoed.size >= 60, {
              intervalMs: 1,
            });
            // Freeze n3 until it is caught holding hand-off entries it read but has not
            // acknowledged, then kill it: they are left for a live instance to claim.
            const held = await waitFor(
              "n3 to hold unacknowledged hand-off entries",
              async () => {
                if (await pendingOf("n3") === 0) return undefined;
                s3.signal("SIGSTOP");
                const frozen = await pendingOf("n3");
                if (frozen > 0) return frozen;
                s3.signal("SIGCONT");
              },
              { intervalMs: 1 },
            );
            await s3.kill();
            await traffic;
            head = Math.max(...senders.map((s) => s.lastSeq));
            assert.equal(head, 6 * perSender, "every message was sent once");
            for (const s of onDead) assert.ok(s.resumes >= 1, "it resumed");
            heldByDead = held;
          },
        );

        await t.step(
          "every client, resumed or not, saw seq 1..N exactly once in order",
          async () => {
            for (const s of senders) {
              await s.waitForSeq(head);
              assert.deepEqual(s.seqs, oneTo(head));
            }
          },
        );

        await t.step(
          "every echoed message is in history and in the store exactly once; the dead instance's pending hand-off was claimed",
          async () => {
            const history = await fullHistory(owner.api, group.id);
            assert.equal(history.length, head);
            await assertExactlyOnce(history, echoed, kvPath, group.id);
            assert.ok(heldByDead > 0);
            await waitFor(
              "the live instances to claim and acknowledge n3's hand-off entries",
              async () =>
                await pendingOf("n3") === 0 && await pendingOf() === 0,
              { timeoutMs: 30_000 },
            );
          },
        );
      } finally {
        await Promise.all(senders.map((s) => s.close()));
        observer.disconnect();
      }
    });
  },
  integration,
);
