/**
 * The store port's contract suite: every rule of `lib/store/store.ts` and of its sub-ports
 * (`store.reads`, `store.attachments`), run against any adapter. Each case gets a fresh store from
 * the factory and cleans it up, pass or fail.
 */
import assert from "node:assert/strict";
import type {
  Store,
  StoredSession,
  StoredUser,
} from "../../lib/store/store.ts";
import { attachmentCases } from "./_store_contract_attachments.ts";
import { groupCases } from "./_store_contract_groups.ts";
import { leaveCases } from "./_store_contract_leave.ts";
import { eventCases } from "./_store_contract_events.ts";
import { messageCases } from "./_store_contract_messages.ts";
import { readCases } from "./_store_contract_reads.ts";
import { roleCases } from "./_store_contract_roles.ts";
import type { StoreCase } from "./_store_fixtures.ts";
import { uid, user } from "./_store_fixtures.ts";

/** Makes a fresh, empty store and the function that disposes of it. */
export type StoreFactory = () => Promise<
  { store: Store; cleanup: () => Promise<void> }
>;

/** Test sanitizer switches, for adapters whose driver keeps background work we do not own. */
export interface StoreContractOptions {
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
}

/** Registers the contract's `Deno.test` cases, named "<name> store: …", against `makeStore`. */
export function storeContract(
  name: string,
  makeStore: StoreFactory,
  options: StoreContractOptions = {},
): void {
  const test: StoreCase = (title, fn) =>
    Deno.test({
      name: `${name} store: ${title}`,
      ...options,
      fn: async () => {
        const { store, cleanup } = await makeStore();
        try {
          await fn(store);
        } finally {
          await cleanup();
        }
      },
    });
  userCases(test);
  sessionCases(test);
  groupCases(test);
  messageCases(test);
  readCases(test);
  attachmentCases(test);
  roleCases(test);
  leaveCases(test);
  eventCases(test);
  test("healthy() answers true while the database answers", async (store) => {
    assert.equal(await store.healthy(), true);
  });
}

function userCases(test: StoreCase): void {
  test("createUser() stores a user that userById() and userByName() return exactly", async (s) => {
    const ann = user("Ann_1");
    assert.equal(await s.createUser(ann), true);
    assert.deepStrictEqual(await s.userById(ann.id), ann);
    assert.deepStrictEqual(await s.userByName("Ann_1"), ann);
  });

  test("createUser() refuses a username taken in another case", async (s) => {
    const ann = user("ann.b");
    assert.equal(await s.createUser(ann), true);
    const impostor = user("ANN.B");
    assert.equal(await s.createUser(impostor), false);
    assert.equal(await s.userById(impostor.id), null);
    assert.deepStrictEqual(await s.userByName("ann.b"), ann);
  });

  test("createUser() lets exactly one of two concurrent registrations of a name win", async (s) => {
    const results = await Promise.all([
      s.createUser(user("race")),
      s.createUser(user("RACE")),
    ]);
    assert.deepStrictEqual(results.toSorted(), [false, true]);
  });

  test("userByName() finds a user whatever the case of the name asked", async (s) => {
    const bob = user("Bob-Smith");
    await s.createUser(bob);
    assert.deepStrictEqual(await s.userByName("bob-smith"), bob);
    assert.deepStrictEqual(await s.userByName("BOB-SMITH"), bob);
  });

  test("userById() and userByName() answer null for unknown users", async (s) => {
    assert.equal(await s.userById(uid("nobody")), null);
    assert.equal(await s.userByName("nobody"), null);
  });

  test("usersByIds() answers the public shapes of the users that exist", async (s) => {
    const [a, b, c] = [user("alpha"), user("beta"), user("gamma")];
    for (const u of [a, b, c]) await s.createUser(u);
    const found = await s.usersByIds([a.id, uid("ghost"), c.id]);
    const byName = found.toSorted((x, y) =>
      x.username.localeCompare(y.username)
    );
    assert.deepStrictEqual(byName, [
      { id: a.id, username: "alpha" },
      { id: c.id, username: "gamma" },
    ]);
    assert.deepStrictEqual(await s.usersByIds([]), []);
  });
}

function session(userId: string, expiresInMs: number): StoredSession {
  const now = Date.now();
  return {
    id: uid("session"),
    user_id: userId,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + expiresInMs).toISOString(),
  };
}

function sessionCases(test: StoreCase): void {
  const day = 24 * 3600_000;
  const withOwner = async (s: Store): Promise<StoredUser> => {
    const owner = user("sessions");
    await s.createUser(owner);
    return owner;
  };

  test("createSession() stores a session that sessionByTokenHash() returns", async (s) => {
    const owner = await withOwner(s);
    const live = session(owner.id, day);
    await s.createSession("hash-live", live);
    assert.deepStrictEqual(await s.sessionByTokenHash("hash-live"), live);
  });

  test("sessionByTokenHash() answers null for an unknown token hash", async (s) => {
    assert.equal(await s.sessionByTokenHash("hash-unknown"), null);
  });

  test("sessionByTokenHash() does not return a session past expires_at", async (s) => {
    const owner = await withOwner(s);
    await s.createSession("hash-old", session(owner.id, -60_000));
    assert.equal(await s.sessionByTokenHash("hash-old"), null);
  });

  test("deleteSession() answers the deleted session, then null", async (s) => {
    const owner = await withOwner(s);
    const live = session(owner.id, day);
    await s.createSession("hash-gone", live);
    assert.deepStrictEqual(await s.deleteSession("hash-gone"), live);
    assert.equal(await s.sessionByTokenHash("hash-gone"), null);
    assert.equal(await s.deleteSession("hash-gone"), null);
  });

  test("deleteSession() called concurrently answers the session to exactly one caller", async (s) => {
    const owner = await withOwner(s);
    for (let round = 0; round < 5; round++) {
      const live = session(owner.id, day);
      await s.createSession(`hash-race-${round}`, live);
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() => s.deleteSession(`hash-race-${round}`)),
      );
      assert.deepStrictEqual(answers.filter((a) => a !== null), [live]);
    }
  });

  test("deleteSession() answers null for a session that never existed", async (s) => {
    assert.equal(await s.deleteSession("hash-never"), null);
  });

  test("deleteSession() answers null for an expired session and removes it", async (s) => {
    const owner = await withOwner(s);
    await s.createSession("hash-stale", session(owner.id, -60_000));
    assert.equal(await s.deleteSession("hash-stale"), null);
    assert.equal(await s.deleteSession("hash-stale"), null);
  });
}
