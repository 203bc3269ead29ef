/**
 * The bus port's contract suite: every clause of `lib/bus/bus.ts`, run against any adapter.
 * Each case gets fresh buses on a fresh backend and disposes of them, pass or fail. Cases that
 * need two instances on one backend are ignored for a factory that cannot make them.
 */
import assert from "node:assert/strict";
import { recoveryBuffer } from "../../lib/bus/bus.ts";
import { topics } from "../../lib/bus/topics.ts";
import { deliveryCases } from "./_bus_contract_delivery.ts";
import { eventCases } from "./_bus_contract_events.ts";
import { handoffCases } from "./_bus_contract_handoff.ts";
import {
  append,
  type BusCase,
  type BusFactory,
  draft,
  range,
  Recorder,
  seqs,
  uid,
} from "./_bus_fixtures.ts";

export type { BusFactory } from "./_bus_fixtures.ts";

/** Registration switches: `ignore` for a backend that is missing, sanitizers for noisy drivers. */
export interface BusContractOptions {
  ignore?: boolean;
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
}

/** Registers the contract's `Deno.test` cases, named "<name> bus: …", against `factory`. */
export function busContract(
  name: string,
  factory: BusFactory,
  options: BusContractOptions = {},
): void {
  const { ignore = false, ...sanitizers } = options;
  const test: BusCase = (title, opts, fn) => {
    const instances = opts.instances ?? 1;
    const unsupported = (instances > 1 && !factory.multiInstance) ||
      (opts.needs === "claim" && factory.claimIdleMs === null);
    Deno.test({
      name: `${name} bus: ${title}`,
      ignore: ignore || unsupported,
      ...sanitizers,
      fn: async () => {
        const { buses, cleanup, reopen } = await factory.make(
          instances,
          opts.bus,
        );
        try {
          await fn(buses, factory, reopen);
        } finally {
          await cleanup();
        }
      },
    });
  };
  seqCases(test);
  nonceCases(test);
  bufferCases(test);
  deliveryCases(test);
  handoffCases(test);
  eventCases(test);
}

function seqCases(test: BusCase): void {
  test(
    "append() answers need_floor without a counter, then counts 1, 2, 3 from floor 0",
    {},
    async ([bus]) => {
      const g = uid("group");
      const first = draft(g);
      assert.deepStrictEqual(await bus.append(first), { status: "need_floor" });
      assert.equal(await bus.headSeq(g), null);
      assert.deepStrictEqual(await bus.append(first, { floorSeq: 0 }), {
        status: "appended",
        message: { ...first, seq: 1, rev: 1 },
      });
      const second = await bus.append(draft(g));
      const third = await bus.append(draft(g));
      assert.deepStrictEqual(
        [second, third].map((o) => o.status === "appended" && o.message.seq),
        [2, 3],
      );
      assert.equal(await bus.headSeq(g), 3);
    },
  );

  test(
    "append() continues from max(counter, floorSeq) + 1",
    {},
    async ([bus]) => {
      const g = uid("group");
      const at = async (floorSeq: number) => {
        const outcome = await bus.append(draft(g), { floorSeq });
        assert.equal(outcome.status, "appended");
        return outcome.status === "appended" ? outcome.message.seq : -1;
      };
      assert.deepStrictEqual([await at(41), await at(10), await at(100)], [
        42,
        43,
        101,
      ]);
    },
  );

  test(
    "append() gives 200 concurrent messages seq 1..200, delivered in seq order",
    {},
    async ([bus]) => {
      const g = uid("group");
      const recorder = new Recorder(bus);
      await bus.subscribe(topics.group(g));
      const first = await append(bus, draft(g));
      const rest = await Promise.all(
        range(2, 200).map(() => append(bus, draft(g))),
      );
      assert.deepStrictEqual(
        seqs([first, ...rest]).toSorted((a, b) => a - b),
        range(1, 200),
      );
      await recorder.until(
        () => recorder.messages(topics.group(g)).length >= 200,
        "200 messages",
      );
      assert.deepStrictEqual(
        seqs(recorder.messages(topics.group(g))),
        range(1, 200),
      );
    },
  );

  test(
    "append() to 20 groups at once numbers each group 1..20 and hands off all 400",
    {},
    async ([bus]) => {
      const groups = range(1, 20).map(() => uid("group"));
      for (const g of groups) await append(bus, draft(g));
      const sent = await Promise.all(
        groups.flatMap((g) => range(2, 20).map(() => append(bus, draft(g)))),
      );
      for (const g of groups) {
        assert.deepStrictEqual(
          seqs(sent.filter((m) => m.group_id === g)).toSorted((a, b) => a - b),
          range(2, 20),
        );
        assert.equal(await bus.headSeq(g), 20);
      }
      const handed = new Set<string>();
      for (;;) {
        const entries = await bus.readHandoff("persister-1", 1000, 0);
        if (entries.length === 0) break;
        for (const e of entries) {
          handed.add(`${e.event.group_id}:${e.event.seq}`);
        }
        await bus.ackHandoff(entries.map((e) => e.id));
      }
      assert.equal(handed.size, 400);
    },
  );

  test(
    "append() on two instances interleaves 200 concurrent messages with no gap",
    { instances: 2 },
    async (buses) => {
      const g = uid("group");
      const recorders = buses.map((bus) => new Recorder(bus));
      await Promise.all(buses.map((bus) => bus.subscribe(topics.group(g))));
      await append(buses[0], draft(g));
      // The counter is shared: the second instance needs no floor.
      const sent = await Promise.all(
        range(2, 200).map((i) => append(buses[i % 2], draft(g))),
      );
      assert.deepStrictEqual(
        seqs(sent).toSorted((a, b) => a - b),
        range(2, 200),
      );
      for (const recorder of recorders) {
        await recorder.until(
          () => recorder.messages(topics.group(g)).length >= 200,
          "200 messages",
        );
        assert.deepStrictEqual(
          seqs(recorder.messages(topics.group(g))),
          range(1, 200),
        );
      }
      assert.equal(await buses[1].headSeq(g), 200);
    },
  );
}

function nonceCases(test: BusCase): void {
  test(
    "append() with a repeated nonce returns the first message and publishes nothing",
    {},
    async ([bus]) => {
      const g = uid("group");
      const recorder = new Recorder(bus);
      await bus.subscribe(topics.group(g));
      const first = await append(bus, draft(g, { nonce: "n-1" }));
      const retry = await bus.append(
        draft(g, { nonce: "n-1", text: "typed again" }),
      );
      assert.deepStrictEqual(retry, { status: "duplicate", message: first });
      assert.equal(await bus.headSeq(g), 1);
      const after = await append(bus, draft(g));
      await recorder.until(
        () => recorder.messages(topics.group(g)).length >= 2,
        "the message after the retry",
      );
      assert.deepStrictEqual(recorder.messages(topics.group(g)), [
        first,
        after,
      ]);
      assert.deepStrictEqual(
        (await bus.recent(g, 0)).map((e) => e.message),
        [first, after],
      );
    },
  );

  test(
    "append() keeps the same nonce from other authors, other groups, or null apart",
    {},
    async ([bus]) => {
      const g = uid("group");
      const other = uid("group");
      const sent = [
        await append(bus, draft(g, { nonce: "same", authorId: "ann" })),
        await append(bus, draft(g, { nonce: "same", authorId: "bob" })),
        await append(bus, draft(other, { nonce: "same", authorId: "ann" })),
        await append(bus, draft(g)),
        await append(bus, draft(g)),
      ];
      assert.deepStrictEqual(seqs(sent), [1, 2, 1, 3, 4]);
    },
  );

  test(
    "append() on one instance is a duplicate on another for the same nonce",
    { instances: 2 },
    async (buses) => {
      const g = uid("group");
      const first = await append(buses[0], draft(g, { nonce: "shared" }));
      assert.deepStrictEqual(
        await buses[1].append(draft(g, { nonce: "shared" })),
        {
          status: "duplicate",
          message: first,
        },
      );
    },
  );
}

function bufferCases(test: BusCase): void {
  test(
    "recent() returns the buffered events above afterRev, ascending",
    {},
    async ([bus]) => {
      const g = uid("group");
      const sent = [];
      for (let i = 0; i < 5; i++) {
        sent.push(
          await append(bus, draft(g, { text: `m${i}` })),
        );
      }
      const events = sent.map((message) => ({
        kind: "message",
        group_id: g,
        rev: message.rev,
        message,
      }));
      assert.deepStrictEqual(await bus.recent(g, 2), events.slice(2));
      assert.deepStrictEqual(await bus.recent(g, 0), events);
      assert.deepStrictEqual(await bus.recent(g, 5), []);
      assert.deepStrictEqual(await bus.recent(uid("unknown"), 0), []);
    },
  );

  test(
    "recent() keeps at most recoveryBuffer.maxEvents, the newest",
    {},
    async ([bus]) => {
      const g = uid("group");
      const total = recoveryBuffer.maxEvents + 5;
      await append(bus, draft(g));
      for (let from = 2; from <= total; from += 100) {
        const to = Math.min(total, from + 99);
        await Promise.all(range(from, to).map(() => append(bus, draft(g))));
      }
      const kept = await bus.recent(g, 0);
      assert.deepStrictEqual(seqs(kept.map((e) => e.message)), range(6, total));
    },
  );

  test(
    "headSeq() is null for an unknown group and the last seq assigned otherwise",
    {},
    async ([bus]) => {
      const g = uid("group");
      assert.equal(await bus.headSeq(g), null);
      await append(bus, draft(g));
      await append(bus, draft(g, { nonce: "x" }));
      await bus.append(draft(g, { nonce: "x" }));
      assert.equal(await bus.headSeq(g), 2);
    },
  );

  test(
    "headSeqs() answers each group's headSeq(), none for a group without a counter, read again after a restart",
    {},
    async ([bus], _factory, reopen) => {
      assert.deepStrictEqual(await bus.headSeqs([]), new Map());
      // More groups than one batched read takes (Deno KV's getMany reads 10 keys).
      const groups = Array.from({ length: 12 }, () => uid("group"));
      const expected = new Map<string, number>();
      for (const [i, g] of groups.entries()) {
        for (let n = 0; n <= i % 3; n++) await append(bus, draft(g));
        expected.set(g, (i % 3) + 1);
      }
      const none = uid("group");
      const asked = [none, ...groups, groups[0]];
      assert.deepStrictEqual(await bus.headSeqs(asked), expected);
      for (const g of groups) {
        assert.equal(await bus.headSeq(g), expected.get(g));
      }
      const again = await reopen(bus);
      assert.deepStrictEqual(await again.headSeqs(asked), expected);
      await append(again, draft(none));
      assert.equal((await again.headSeqs([none])).get(none), 1);
    },
  );
}
