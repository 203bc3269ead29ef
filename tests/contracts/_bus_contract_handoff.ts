/** Hand-off cases of the bus contract: at-least-once delivery to persisters until acknowledged. */
import assert from "node:assert/strict";
import type { Bus, EventRef, HandoffEntry } from "../../lib/bus/bus.ts";
import { ChatError } from "../../lib/protocol/errors.ts";
import type { Message } from "../../lib/protocol/types.ts";
import {
  append,
  type BusCase,
  delay,
  draft,
  eventually,
  uid,
} from "./_bus_fixtures.ts";

/** Settles `promise` or gives up after `ms`, clearing its timer either way. */
async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T } | "still pending"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"still pending">((resolve) =>
    timer = setTimeout(() => resolve("still pending"), ms)
  );
  try {
    return await Promise.race([promise.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function appendMany(bus: Bus, n: number): Promise<Message[]> {
  const g = uid("group");
  const sent = [];
  for (let i = 0; i < n; i++) {
    sent.push(await append(bus, draft(g, { text: `m${i}` })));
  }
  return sent;
}

/** The event references the entries carry: hand-off entries hold no text. */
const refsOf = (entries: HandoffEntry[]) => entries.map((e) => e.event);
/** The references the hand-off should carry for new messages. */
const refs = (messages: Message[]): EventRef[] =>
  messages.map((m) => ({
    group_id: m.group_id,
    seq: m.seq,
    rev: m.rev!,
    kind: "message",
  }));
const byKey = (a: EventRef, b: EventRef) =>
  `${a.group_id}:${a.rev}`.localeCompare(`${b.group_id}:${b.rev}`);
const isUnavailable = (err: unknown) =>
  err instanceof ChatError && err.code === "unavailable";

export function handoffCases(test: BusCase): void {
  test(
    "readHandoff() returns every appended message; acknowledged ones never come back",
    {},
    async ([bus]) => {
      const sent = await appendMany(bus, 3);
      const got = await bus.readHandoff("persister-1", 10, 0);
      assert.deepStrictEqual(refsOf(got), refs(sent));
      assert.equal(new Set(got.map((e) => e.id)).size, 3);
      await bus.ackHandoff(got.map((e) => e.id));
      assert.deepStrictEqual(await bus.readHandoff("persister-1", 10, 0), []);
      assert.deepStrictEqual(await bus.readHandoff("persister-2", 10, 0), []);
    },
  );

  test(
    "readHandoff() returns at most max entries and the rest on the next read",
    {},
    async ([bus]) => {
      const sent = await appendMany(bus, 5);
      const first = await bus.readHandoff("persister-1", 2, 0);
      const second = await bus.readHandoff("persister-1", 10, 0);
      assert.equal(first.length, 2);
      assert.deepStrictEqual(refsOf([...first, ...second]), refs(sent));
    },
  );

  test("readHandoff() on two instances shares the entries without overlap", {
    instances: 2,
  }, async ([a, b]) => {
    const sent = [...await appendMany(a, 3), ...await appendMany(b, 3)];
    const fromA = await a.readHandoff("persister-a", 4, 0);
    const fromB = await b.readHandoff("persister-b", 10, 0);
    assert.equal(fromA.length, 4);
    assert.deepStrictEqual(
      refsOf([...fromA, ...fromB]).toSorted(byKey),
      refs(sent).toSorted(byKey),
    );
  });

  test("entries a dead consumer left unacknowledged are handed to another", {
    needs: "claim",
  }, async ([bus], f) => {
    const sent = await appendMany(bus, 2);
    const taken = await bus.readHandoff("persister-dead", 10, 0);
    assert.equal(taken.length, 2);
    const got: HandoffEntry[] = [];
    await eventually(
      async () => {
        got.push(...await bus.readHandoff("persister-live", 10, 50));
        return got.length >= 2;
      },
      "the dead consumer's entries",
      f.claimIdleMs! + 5_000,
    );
    assert.deepStrictEqual(refsOf(got), refs(sent));
    assert.deepStrictEqual(got.map((e) => e.id), taken.map((e) => e.id));
    await bus.ackHandoff(got.map((e) => e.id));
    assert.deepStrictEqual(await bus.readHandoff("persister-live", 10, 0), []);
  });

  test("entries of an instance that died are handed to a consumer on another", {
    instances: 2,
    needs: "claim",
  }, async ([dead, live], f) => {
    const sent = await appendMany(dead, 3);
    assert.equal((await dead.readHandoff("persister-dead", 10, 0)).length, 3);
    await dead.close();
    const got: HandoffEntry[] = [];
    await eventually(
      async () => {
        got.push(...await live.readHandoff("persister-live", 10, 50));
        return got.length >= 3;
      },
      "the dead instance's entries",
      f.claimIdleMs! + 5_000,
    );
    assert.deepStrictEqual(refsOf(got), refs(sent));
  });

  test(
    "readHandoff() with blockMs waits and wakes when a message is appended",
    {},
    async ([bus]) => {
      const pending = bus.readHandoff("persister-1", 10, 30_000);
      await delay(100); // let the read start waiting first
      const [message] = await appendMany(bus, 1);
      const result = await within(pending, 10_000);
      assert.notEqual(result, "still pending", "the read did not wake");
      assert.deepStrictEqual(
        result !== "still pending" && refsOf(result.value),
        refs([message]),
      );
    },
  );

  test("readHandoff() waiting on one instance wakes for an append on another", {
    instances: 2,
  }, async ([a, b]) => {
    const pending = b.readHandoff("persister-b", 10, 30_000);
    await delay(100);
    const [message] = await appendMany(a, 1);
    const result = await within(pending, 10_000);
    assert.notEqual(result, "still pending", "the read did not wake");
    assert.deepStrictEqual(
      result !== "still pending" && refsOf(result.value),
      refs([message]),
    );
  });

  test(
    "append() refuses with unavailable once handoffMaxBacklog messages wait, dropping none, until an ack makes room",
    { bus: { handoffMaxBacklog: 3 } },
    async ([bus]) => {
      const g = uid("group");
      const sent = [
        await append(bus, draft(g, { nonce: "n-1" })),
        await append(bus, draft(g)),
        await append(bus, draft(g)),
      ];
      await assert.rejects(bus.append(draft(g)), isUnavailable);
      assert.equal(await bus.headSeq(g), 3, "the refused message took no seq");
      assert.deepStrictEqual(
        await bus.append(draft(g, { nonce: "n-1" })),
        { status: "duplicate", message: sent[0] },
        "a retried nonce is still answered",
      );
      const waiting = await bus.readHandoff("persister-1", 10, 0);
      assert.deepStrictEqual(
        refsOf(waiting),
        refs(sent),
        "nothing was dropped",
      );
      await assert.rejects(
        bus.append(draft(g)),
        isUnavailable,
        "read is not acknowledged",
      );
      await bus.ackHandoff([waiting[0].id]);
      const next = await append(bus, draft(g));
      assert.equal(next.seq, 4);
    },
  );

  test(
    "a bus reopened on the same backend keeps the counter, nonces, recovery buffer and every unacknowledged entry",
    {},
    async ([bus], f, reopen) => {
      const g = uid("group");
      const sent = [
        await append(bus, draft(g, { nonce: "n-1" })),
        await append(bus, draft(g)),
        await append(bus, draft(g)),
      ];
      assert.equal((await bus.readHandoff("persister-1", 1, 0)).length, 1);
      const again = await reopen(bus);
      assert.equal(await again.headSeq(g), 3);
      assert.deepStrictEqual(
        await again.append(draft(g, { nonce: "n-1" })),
        { status: "duplicate", message: sent[0] },
      );
      const next = await again.append(draft(g));
      assert.equal(next.status === "appended" && next.message.seq, 4);
      const all = [...sent, next.status === "appended" ? next.message : null];
      assert.deepStrictEqual(
        (await again.recent(g, 0)).map((e) => e.message),
        all,
      );
      // At least once: an entry read and left unacknowledged may come again; count each once.
      const got = new Map<string, HandoffEntry>();
      await eventually(
        async () => {
          for (const e of await again.readHandoff("persister-2", 10, 50)) {
            got.set(e.id, e);
          }
          return got.size >= 4;
        },
        "the entries left unacknowledged before the reopen",
        (f.claimIdleMs ?? 0) + 5_000,
      );
      assert.deepStrictEqual(
        refsOf([...got.values()]).toSorted(byKey),
        refs(all as Message[]).toSorted(byKey),
      );
    },
  );

  test("close() wakes a pending readHandoff()", {}, async ([bus]) => {
    const pending = bus.readHandoff("persister-1", 10, 30_000);
    await delay(100);
    await bus.close();
    assert.deepStrictEqual(await within(pending, 10_000), { value: [] });
  });
}
