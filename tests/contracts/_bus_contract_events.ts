/**
 * Event-log cases of the bus contract (PROTOCOL.md §4): revs, the compare-and-set of changes,
 * pending states and their batched drop, erasure on deletion, and hand-off references.
 */
import assert from "node:assert/strict";
import { type Bus, pendingStates } from "../../lib/bus/bus.ts";
import { topics } from "../../lib/bus/topics.ts";
import type { Message } from "../../lib/protocol/types.ts";
import {
  append,
  type BusCase,
  draft,
  eventually,
  range,
  Recorder,
  uid,
} from "./_bus_fixtures.ts";

/** Appends a change of `seq` computed from its current pending state, retrying on conflict. */
async function change(
  bus: Bus,
  groupId: string,
  seq: number,
  edit: (m: Message) => Message,
): Promise<Message> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { states } = await bus.pendingStates(groupId, [seq]);
    const state = states.get(seq)!;
    const outcome = await bus.appendUpdate({
      message: edit(state),
      basis: { pendingRev: state.rev! },
      erase: false,
    });
    if (outcome.status === "appended") return outcome.message;
    assert.equal(outcome.status, "conflict");
  }
  throw new Error("the change kept conflicting");
}

const mark = (m: Message) => ({ seq: m.seq, rev: m.rev! });

export function eventCases(test: BusCase): void {
  test(
    "every event takes the group's next rev; only new messages take a seq",
    {},
    async ([bus]) => {
      const g = uid("group");
      const first = await append(bus, draft(g));
      assert.deepStrictEqual([first.seq, first.rev], [1, 1]);
      const edited = await change(bus, g, 1, (m) => ({ ...m, text: "edited" }));
      assert.deepStrictEqual([edited.seq, edited.rev, edited.text], [
        1,
        2,
        "edited",
      ]);
      const second = await append(bus, draft(g));
      assert.deepStrictEqual([second.seq, second.rev], [2, 3]);
      assert.equal(await bus.headRev(g), 3);
      assert.equal(await bus.headSeq(g), 2);
      assert.equal(await bus.headRev(uid("unknown")), null);
    },
  );

  test(
    "appendUpdate() publishes message_update with the new state, and the buffer keeps it by rev",
    {},
    async ([bus]) => {
      const g = uid("group");
      const recorder = new Recorder(bus);
      await bus.subscribe(topics.group(g));
      const sent = await append(bus, draft(g));
      const edited = await change(bus, g, 1, (m) => ({ ...m, text: "new" }));
      await recorder.until(() => recorder.events.length >= 2, "two events");
      assert.deepStrictEqual(recorder.on(topics.group(g)), [
        { kind: "message", group_id: g, rev: 1, message: sent },
        { kind: "message_update", group_id: g, rev: 2, message: edited },
      ]);
      assert.deepStrictEqual(
        (await bus.recent(g, 1)).map((e) => [e.kind, e.rev, e.message.text]),
        [["message_update", 2, "new"]],
      );
    },
  );

  test(
    "appendUpdate() answers conflict when its basis moved on, and changes nothing",
    {},
    async ([bus]) => {
      const g = uid("group");
      const sent = await append(bus, draft(g));
      await change(bus, g, 1, (m) => ({ ...m, text: "first" }));
      const stale = await bus.appendUpdate({
        message: { ...sent, text: "lost update" },
        basis: { pendingRev: sent.rev! },
        erase: false,
      });
      assert.deepStrictEqual(stale, { status: "conflict" });
      const fromStore = await bus.appendUpdate({
        message: { ...sent, text: "from a stale store copy" },
        basis: { prunedRev: 0 },
        erase: false,
      });
      assert.deepStrictEqual(fromStore, { status: "conflict" });
      assert.equal(await bus.headRev(g), 2);
      const { states } = await bus.pendingStates(g, [1]);
      assert.equal(states.get(1)!.text, "first");
    },
  );

  test(
    "appendUpdate() without counters answers need_floor, then continues from the floors",
    {},
    async ([bus]) => {
      const g = uid("group");
      const state: Message = { ...draft(g), seq: 7, rev: 40 };
      const update = { message: state, basis: { prunedRev: 0 }, erase: false };
      assert.deepStrictEqual(await bus.appendUpdate(update), {
        status: "need_floor",
      });
      const outcome = await bus.appendUpdate(update, {
        floorSeq: 9,
        floorRev: 41,
      });
      assert.equal(outcome.status === "appended" && outcome.message.rev, 42);
      assert.equal(await bus.headSeq(g), 9);
      const next = await append(bus, draft(g));
      assert.deepStrictEqual([next.seq, next.rev], [10, 43]);
    },
  );

  test(
    "markPersisted() drops pending states in batches, raising prunedRev; a stored basis then holds",
    {},
    async ([bus]) => {
      const g = uid("group");
      const n = pendingStates.pruneBatch;
      const sent = [];
      for (let i = 0; i <= n; i++) sent.push(await append(bus, draft(g)));
      const changed = await change(bus, g, 1, (m) => ({ ...m, text: "newer" }));
      // Seq 1 is marked with its old rev: it stays pending at its newer one, and is no mark.
      await bus.markPersisted(g, sent.slice(0, n).map(mark));
      const before = await bus.pendingStates(g, range(1, n + 1));
      assert.equal(before.states.size, n + 1, "one mark short of a batch");
      assert.equal(before.prunedRev, 0);
      await bus.markPersisted(g, [mark(sent[n])]);
      const after = await bus.pendingStates(g, range(1, n + 1));
      assert.deepStrictEqual([...after.states.keys()], [1]);
      assert.equal(after.states.get(1)!.rev, changed.rev);
      assert.equal(after.prunedRev, n + 1);
      const stale = await bus.appendUpdate({
        message: { ...sent[4], text: "stale" },
        basis: { prunedRev: 0 },
        erase: false,
      });
      assert.deepStrictEqual(stale, { status: "conflict" });
      const fresh = await bus.appendUpdate({
        message: { ...sent[4], text: "from the store" },
        basis: { prunedRev: n + 1 },
        erase: false,
      });
      assert.equal(fresh.status, "appended");
    },
  );

  test(
    "pendingStates() and markPersisted() for many groups at once answer and drop each group's own",
    {},
    async ([bus]) => {
      const n = pendingStates.pruneBatch;
      const groups = Array.from({ length: 12 }, () => uid("group"));
      const sent = new Map<string, Message[]>();
      for (const g of groups) {
        const list = [await append(bus, draft(g)), await append(bus, draft(g))];
        sent.set(g, list);
      }
      const read = await Promise.all(
        groups.map((g) => bus.pendingStates(g, [2, 1, 3])),
      );
      read.forEach(({ states, prunedRev }, i) => {
        assert.equal(prunedRev, 0);
        assert.deepStrictEqual(
          [...states.values()].map((m) => m.id).sort(),
          sent.get(groups[i])!.map((m) => m.id).sort(),
        );
      });
      // The first group gets a full batch of marks (it drops); the others one mark each.
      const big = groups[0];
      for (let i = 2; i < n; i++) {
        sent.get(big)!.push(await append(bus, draft(big)));
      }
      await Promise.all(
        groups.map((g) =>
          bus.markPersisted(
            g,
            (g === big ? sent.get(g)! : sent.get(g)!.slice(0, 1)).map(mark),
          )
        ),
      );
      const after = await Promise.all(
        groups.map((g) => bus.pendingStates(g, [1, 2])),
      );
      assert.equal(after[0].states.size, 0);
      assert.equal(after[0].prunedRev, n);
      for (const { states, prunedRev } of after.slice(1)) {
        assert.deepStrictEqual([...states.keys()].sort(), [1, 2]);
        assert.equal(prunedRev, 0);
      }
    },
  );

  test(
    "a quiet group's persisted states are dropped by the sweep once their first mark is old",
    { bus: { markMaxAgeMs: 200, sweepEveryMs: 50 } },
    async ([bus]) => {
      const g = uid("group");
      const sent = [];
      for (let i = 0; i < 3; i++) sent.push(await append(bus, draft(g)));
      await bus.markPersisted(g, sent.slice(0, 2).map(mark));
      await eventually(
        async () => (await bus.pendingStates(g, [1, 2, 3])).prunedRev === 2,
        "the sweep to drop the marked states",
      );
      const left = await bus.pendingStates(g, [1, 2, 3]);
      assert.deepStrictEqual([...left.states.keys()], [3], "unmarked stays");
    },
  );

  test(
    "a deletion erases the message's buffered copies and its nonce record",
    {},
    async ([bus]) => {
      const g = uid("group");
      const sent = await append(bus, draft(g, { nonce: "n", text: "secret" }));
      await change(bus, g, 1, (m) => ({ ...m, text: "secret too" }));
      await append(bus, draft(g, { text: "other" }));
      const { states } = await bus.pendingStates(g, [1]);
      const tomb: Message = { ...sent, text: "", deleted: true };
      const deleted = await bus.appendUpdate({
        message: tomb,
        basis: { pendingRev: states.get(1)!.rev! },
        erase: true,
      });
      assert.equal(deleted.status, "appended");
      const buffered = await bus.recent(g, 0);
      assert.deepStrictEqual(buffered.map((e) => [e.rev, e.kind]), [
        [1, "message"],
        [2, "message_update"],
        [3, "message"],
        [4, "message_update"],
      ]);
      const texts = buffered.map((e) => e.message.text);
      assert.deepStrictEqual(texts, ["", "", "other", ""]);
      const retry = await bus.append(draft(g, { nonce: "n" }));
      assert.equal(retry.status, "duplicate");
      assert.equal(retry.status === "duplicate" && retry.message.text, "");
    },
  );

  test(
    "hand-off entries reference each event (kind, seq, rev) and carry no text",
    {},
    async ([bus]) => {
      const g = uid("group");
      await append(bus, draft(g));
      await change(bus, g, 1, (m) => ({ ...m, text: "x" }));
      const entries = await bus.readHandoff("persister-1", 10, 0);
      assert.deepStrictEqual(entries.map((e) => e.event), [
        { group_id: g, seq: 1, rev: 1, kind: "message" },
        { group_id: g, seq: 1, rev: 2, kind: "message_update" },
      ]);
    },
  );

  test(
    "concurrent changes and sends on two instances keep rev gap-free, delivered in rev order",
    { instances: 2 },
    async (buses) => {
      const g = uid("group");
      const recorders = buses.map((bus) => new Recorder(bus));
      await Promise.all(buses.map((bus) => bus.subscribe(topics.group(g))));
      await append(buses[0], draft(g));
      await Promise.all(
        range(1, 60).map((i) => {
          const bus = buses[i % 2];
          return i % 3 === 0
            ? append(bus, draft(g))
            : change(bus, g, 1, (m) => ({ ...m, text: `${m.text}+${i}` }));
        }),
      );
      const head = await buses[1].headRev(g);
      assert.equal(head, 61);
      for (const recorder of recorders) {
        await recorder.until(
          () => recorder.on(topics.group(g)).length >= 61,
          "61 events",
        );
        const revs = recorder.on(topics.group(g)).map((e) =>
          "rev" in e ? e.rev : -1
        );
        assert.deepStrictEqual(revs, range(1, 61));
      }
      const { states } = await buses[0].pendingStates(g, [1]);
      assert.equal(
        states.get(1)!.text.split("+").length - 1,
        40,
        "no change was lost",
      );
    },
  );
}
