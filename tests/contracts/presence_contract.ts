/**
 * The presence port's contract suite: every clause of `lib/presence/presence.ts`, run against any
 * adapter. Each case gets fresh instances on a fresh backend and disposes of them, pass or fail.
 */
import assert from "node:assert/strict";
import type { Presence } from "../../lib/presence/presence.ts";
import { delay, uid } from "./_bus_fixtures.ts";

/** Makes `n` presence instances sharing one backend. */
export interface PresenceFactory {
  /** False when the adapter can only give one instance per backend (the in-process one). */
  multiInstance: boolean;
  /** Bound within which a dead instance's users are reported (null: one instance, none die). */
  expiryWithinMs: number | null;
  make(n: number): Promise<{
    presences: Presence[];
    /** Stops instance `i` as a crash would: no close(), nothing cleaned up. */
    kill(i: number): Promise<void>;
    cleanup(): Promise<void>;
  }>;
}

/** Registration switches: `ignore` for a backend that is missing, sanitizers for noisy drivers. */
export interface PresenceContractOptions {
  ignore?: boolean;
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
}

type Made = Awaited<ReturnType<PresenceFactory["make"]>>;
type Case = (
  title: string,
  instances: number,
  fn: (made: Made, f: PresenceFactory) => Promise<void>,
) => void;

/** Registers the contract's `Deno.test` cases, named "<name> presence: …", against `factory`. */
export function presenceContract(
  name: string,
  factory: PresenceFactory,
  options: PresenceContractOptions = {},
) {
  const { ignore = false, ...sanitizers } = options;
  const test: Case = (title, instances, fn) =>
    Deno.test({
      name: `${name} presence: ${title}`,
      ignore: ignore ||
        (instances > 1 &&
          (!factory.multiInstance || factory.expiryWithinMs === null)),
      ...sanitizers,
      fn: async () => {
        const made = await factory.make(instances);
        try {
          await fn(made, factory);
        } finally {
          await made.cleanup();
        }
      },
    });
  singleCases(test);
  clusterCases(test);
}

function singleCases(test: Case): void {
  test(
    "connect() is true for a user's first connection only; disconnect() for the last only",
    1,
    async (m) => {
      const [p] = m.presences;
      const ann = uid("ann");
      assert.equal(await p.connect(ann, "c1"), true);
      assert.equal(await p.connect(ann, "c2"), false);
      assert.equal(await p.disconnect(ann, "c1"), false);
      assert.equal(await p.disconnect(ann, "c2"), true);
      assert.equal(
        await p.connect(ann, "c3"),
        true,
        "back online after going offline",
      );
    },
  );

  test(
    "online() answers the subset of the users asked that have a connection",
    1,
    async (m) => {
      const [p] = m.presences;
      const [ann, bob, cid] = [uid("ann"), uid("bob"), uid("cid")];
      await p.connect(ann, "c1");
      await p.connect(bob, "c2");
      await p.disconnect(bob, "c2");
      assert.deepStrictEqual(
        await p.online([ann, bob, cid, ann]),
        new Set([ann]),
      );
      assert.deepStrictEqual(await p.online([]), new Set());
    },
  );

  test("disconnect() ignores unknown users and connections", 1, async (m) => {
    const [p] = m.presences;
    const ann = uid("ann");
    assert.equal(await p.disconnect(ann, "c1"), false);
    await p.connect(ann, "c1");
    assert.equal(await p.disconnect(ann, "nope"), false);
    assert.equal(await p.disconnect(uid("bob"), "c1"), false);
    assert.deepStrictEqual(await p.online([ann]), new Set([ann]));
    assert.equal(await p.disconnect(ann, "c1"), true);
    assert.equal(
      await p.disconnect(ann, "c1"),
      false,
      "a second disconnect is unknown",
    );
  });
}

function clusterCases(test: Case): void {
  test(
    "a user on two instances goes offline only when both connections close",
    2,
    async (m) => {
      const [a, b] = m.presences;
      const ann = uid("ann");
      assert.equal(await a.connect(ann, "c1"), true);
      assert.equal(await b.connect(ann, "c2"), false);
      assert.deepStrictEqual(await b.online([ann]), new Set([ann]));
      assert.equal(await a.disconnect(ann, "c1"), false);
      assert.deepStrictEqual(await a.online([ann]), new Set([ann]));
      assert.equal(await b.disconnect(ann, "c2"), true);
      assert.deepStrictEqual(await a.online([ann]), new Set());
    },
  );

  test(
    "close() forgets the instance's connections for the whole cluster",
    2,
    async (m) => {
      const [a, b] = m.presences;
      const [ann, bob] = [uid("ann"), uid("bob")];
      await a.connect(ann, "c1");
      await a.connect(bob, "c2");
      await b.connect(bob, "c3");
      await a.close();
      assert.deepStrictEqual(await b.online([ann, bob]), new Set([bob]));
      assert.equal(await b.connect(ann, "c4"), true);
    },
  );

  test(
    "users of an instance that dies are reported once, within a bounded time",
    3,
    async (m, f) => {
      const [dying, b, c] = m.presences;
      const [ann, bob] = [uid("ann"), uid("bob")];
      const reports: string[][] = [];
      b.setExpiryListener((ids) => reports.push(ids));
      c.setExpiryListener((ids) => reports.push(ids));
      await dying.connect(ann, "c1");
      await dying.connect(bob, "c2");
      await b.connect(bob, "c3");
      await m.kill(0);
      const deadline = Date.now() + f.expiryWithinMs! + 2_000;
      while (
        !reports.flat().includes(ann) && Date.now() < deadline
      ) await delay(20);
      assert.deepStrictEqual(
        reports,
        [[ann]],
        "ann reported once, bob (still on b) never",
      );
      assert.deepStrictEqual(await c.online([ann, bob]), new Set([bob]));
      // Let every survivor sweep again: the dead instance must not be reported a second time.
      await delay(f.expiryWithinMs!);
      assert.deepStrictEqual(reports, [[ann]]);
      assert.equal(await b.disconnect(bob, "c3"), true);
    },
  );
}
