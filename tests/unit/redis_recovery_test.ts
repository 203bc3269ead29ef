/**
 * The Redis subscriber's message recovery, without Redis: the source is an in-memory list of
 * buffered events (rev = seq here, as with new messages only), so these cases pin the rev rules
 * (floor, dedupe, order) and the retry.
 */
import assert from "node:assert/strict";
import { MessageRecovery } from "../../lib/bus/_redis_recovery.ts";
import { topics } from "../../lib/bus/topics.ts";
import type { GroupEvent } from "../../lib/protocol/bus_events.ts";
import type { Message } from "../../lib/protocol/types.ts";

const group = "g1";
const topic = topics.group(group);

function message(seq: number): Message {
  return {
    id: `m${seq}`,
    group_id: group,
    seq,
    author: { id: "u1", username: "ann" },
    text: `text ${seq}`,
    created_at: "2024-01-01T00:00:00.000Z",
    nonce: null,
  };
}

function event(seq: number): GroupEvent {
  return { kind: "message", group_id: group, rev: seq, message: message(seq) };
}

/** A recovery over `buffer`, recording delivered seqs; `failures` source calls fail first. */
function harness(
  options: { head: number; buffer: number[]; failures?: number },
) {
  const delivered: number[] = [];
  let failures = options.failures ?? 0;
  let wake = () => {};
  const recovery = new MessageRecovery(
    {
      headRev: () => Promise.resolve(options.head),
      recent: (_groupId, after) => {
        if (failures-- > 0) return Promise.reject(new Error("down"));
        return Promise.resolve(
          options.buffer.filter((seq) => seq > after).map(event),
        );
      },
    },
    (t) => t === topic,
    (_topic, event) => {
      delivered.push(event.message.seq);
      wake();
    },
  );
  /** Resolves once `n` messages in all have been delivered. */
  const delivery = (n: number) =>
    new Promise<void>((resolve) => {
      wake = () => delivered.length >= n && resolve();
      wake();
    });
  return { recovery, delivered, delivery };
}

Deno.test("admit() lets each seq of a topic through once, in increasing order only", () => {
  const { recovery } = harness({ head: 0, buffer: [] });
  assert.deepEqual(
    [3, 4, 4, 2, 6, 5].map((seq) => recovery.admit(topic, seq)),
    [true, true, false, false, true, false],
  );
  recovery.left(topic);
  assert.equal(
    recovery.admit(topic, 1),
    true,
    "a topic joined again starts over",
  );
});

Deno.test("recover() delivers what the buffer holds above the last delivered seq, in order", async () => {
  const { recovery, delivered, delivery } = harness({
    head: 2,
    buffer: [1, 2, 3, 4, 5, 6],
  });
  await recovery.joined(topic);
  recovery.admit(topic, 3); // delivered live before the connection dropped
  recovery.recover(() => Promise.resolve());
  await delivery(3);
  assert.deepEqual(delivered, [4, 5, 6]);
});

Deno.test("recover() starts above the head seen when the topic was joined", async () => {
  const { recovery, delivered, delivery } = harness({
    head: 4,
    buffer: [3, 4, 5, 6],
  });
  await recovery.joined(topic);
  recovery.recover(() => Promise.resolve());
  await delivery(2);
  assert.deepEqual(
    delivered,
    [5, 6],
    "what sockets got at subscribe is not resent",
  );
});

Deno.test("recover() retries until the source answers, and delivers once", async () => {
  const { recovery, delivered, delivery } = harness({
    head: 0,
    buffer: [1, 2],
    failures: 2,
  });
  await recovery.joined(topic);
  recovery.recover(() => Promise.resolve());
  await delivery(2);
  assert.deepEqual(delivered, [1, 2]);
  recovery.clear();
});

Deno.test("recover() skips topics with neither a floor nor a delivery, and non-group topics", async () => {
  const { recovery, delivered } = harness({ head: 0, buffer: [1, 2] });
  let barriers = 0;
  recovery.recover(() => Promise.resolve(barriers++));
  await recovery.joined(topics.typing(group));
  await new Promise((r) => setTimeout(r, 0)); // let the recovery pass run
  assert.equal(barriers, 1);
  assert.deepEqual(delivered, []);
  recovery.clear();
});
