/**
 * Every query the MongoDB adapter makes has an index to serve it. The test drives every method of
 * the store (checked: a method added later fails this test until it is driven too), records each
 * command the driver sends, and for every filter checks the indexes the server reports
 * (`listIndexes`): equality fields first, then the sort, then the range field.
 *
 * On MongoDB itself it also asks `explain` and requires an index scan. FerretDB 1.24's SQLite
 * backend cannot show that: its explain reports SQLite's plan, `SCAN <table>` with
 * `filterPushdown: false`, for every filter but `{_id: <string>}`. It evaluates other filters in
 * its own process, whatever indexes exist; it uses the unique indexes to refuse duplicates. (Its
 * PostgreSQL backend pushes equalities down as jsonb containment, which btree indexes do not serve.)
 */
import assert from "node:assert/strict";
import type { Document } from "mongodb";
import { MongoAttachmentStore } from "../../lib/store/mongo_attachment_store.ts";
import { MongoReadStore } from "../../lib/store/mongo_read_store.ts";
import { MongoStore } from "../../lib/store/mongo_store.ts";
import type { Store } from "../../lib/store/store.ts";
import { mongoTest } from "../helpers/ferretdb_server.ts";
import { withMongoStore } from "./_mongo_store_fixture.ts";
import { group, messages, user } from "./_store_fixtures.ts";
import { attachment } from "./_store_contract_attachments.ts";

/** One query: a collection, its filter split by kind, and its sort. */
interface Query {
  collection: string;
  equality: string[];
  range: string[];
  sort: [string, number][];
  command: Document;
}

/** Commands that make no query an index could serve (or none the adapter controls). */
const noQuery = new Set([
  "insert",
  "createIndexes",
  "listIndexes",
  "ping",
  "hello",
  "isMaster",
  "endSessions",
  "getMore",
  "killCursors",
  "dropDatabase",
  "buildInfo",
]);

/** The queries in one command, or an error for a command this test does not know. */
function queriesOf(command: Document): Query[] {
  const name = Object.keys(command)[0];
  if (noQuery.has(name)) return [];
  const collection = command[name] as string;
  const query = (filter: Document, sort: Document = {}) =>
    classify(collection, filter, sort, command);
  switch (name) {
    case "find":
    case "findAndModify":
      return [query(command.filter ?? command.query ?? {}, command.sort)];
    case "delete":
      return command.deletes.map((d: Document) => query(d.q));
    case "update":
      return command.updates.map((u: Document) => query(u.q));
    case "aggregate": {
      const [first, ...rest] = command.pipeline as Document[];
      const sort = rest.find((stage) => "$sort" in stage)?.$sort;
      return [query(first.$match ?? {}, sort)];
    }
    default:
      throw new Error(`Cannot judge command ${name}: teach this test about it`);
  }
}

function classify(
  collection: string,
  filter: Document,
  sort: Document,
  command: Document,
): Query {
  const equality: string[] = [];
  const range: string[] = [];
  for (const [field, value] of Object.entries(filter)) {
    assert.ok(!field.startsWith("$"), `top-level operator ${field}`);
    // Dates and BSON values (an ObjectId) are values, not operator documents.
    const operators = value !== null && typeof value === "object" &&
      !(value instanceof Date) && !("_bsontype" in value);
    const ops = operators ? Object.keys(value) : [];
    if (ops.length === 0 || ops.every((op) => op === "$eq" || op === "$in")) {
      equality.push(field);
    } else if (ops.every((op) => ["$gt", "$gte", "$lt", "$lte"].includes(op))) {
      range.push(field);
    } else {
      throw new Error(`Cannot judge operators ${ops} on ${field}`);
    }
  }
  return {
    collection,
    equality,
    range,
    // The driver sends a sort as a Map, to keep its order.
    sort: (sort instanceof Map ? [...sort] : Object.entries(sort)) as [
      string,
      number,
    ][],
    command,
  };
}

/** True when an index with `key` serves `q`: equality prefix, then the sort, then the range. */
function serves(key: [string, number][], q: Query): boolean {
  const prefix = key.slice(0, q.equality.length).map(([f]) => f);
  if (!q.equality.every((f) => prefix.includes(f))) return false;
  if (prefix.length !== q.equality.length) return false;
  const rest = key.slice(q.equality.length);
  const sort = q.sort.filter(([f]) => !q.equality.includes(f));
  const sameWay = sort.every(([f, d], i) =>
    rest[i]?.[0] === f && rest[i][1] === d
  );
  const reversed = sort.every(([f, d], i) =>
    rest[i]?.[0] === f && rest[i][1] === -d
  );
  if (!sameWay && !reversed) return false;
  // The range field is the next index field after the equality prefix, sorted or not.
  return q.range.every((f) =>
    rest[0]?.[0] === f || sort.some(([s]) => s === f)
  );
}

/** Drives every store method once, over data that makes each query find something. */
async function everyMethod(store: Store): Promise<void> {
  const [ann, bob] = [user("ann"), user("bob")];
  await store.createUser(ann);
  await store.createUser(bob);
  await store.userById(ann.id);
  await store.userByName("ANN");
  await store.usersByIds([ann.id, bob.id]);
  const now = Date.now();
  const session = {
    id: "s1",
    user_id: ann.id,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + 60_000).toISOString(),
  };
  await store.createSession("hash", session);
  await store.sessionByTokenHash("hash");
  await store.deleteSession("hash");
  const g = group(ann.id, { public: true });
  await store.createGroup(g);
  // A taken id: the one path of createGroup that queries (it removes the membership it wrote).
  await assert.rejects(store.createGroup({ ...g, owner_id: bob.id }));
  await store.groupById(g.id);
  await store.publicGroups(10);
  await store.addMember(g.id, bob.id);
  await store.isMember(g.id, bob.id);
  await store.groupsOfUser(bob.id);
  await store.memberIds(g.id);
  await store.insertMessages(messages(g.id, 1, 5));
  await store.messagesInRange(g.id, 2, 4);
  await store.headSeq(g.id);
  await store.headSeqs([g.id, "no-such-group"]);
  // Over a stored copy without rev, over a lower rev, and refused by a higher one.
  await store.upsertStates([{ ...messages(g.id, 1, 1)[0], rev: 4 }]);
  await store.upsertStates([{ ...messages(g.id, 1, 1)[0], rev: 6 }]);
  await store.upsertStates([{ ...messages(g.id, 1, 1)[0], rev: 5 }]);
  await store.messagesBySeqs(g.id, [1, 2]);
  await store.insertEvents([{
    group_id: g.id,
    rev: 1,
    seq: 1,
    kind: "message",
  }]);
  await store.eventsAfter(g.id, 0, 10);
  await store.headRev(g.id);
  await store.reads.advance(g.id, bob.id, 3);
  await store.reads.ofUser(bob.id, [g.id]);
  await store.reads.ofGroup(g.id);
  await store.roleOf(g.id, bob.id);
  await store.members(g.id);
  await store.setRole(g.id, bob.id, "admin");
  await store.updateGroup(g.id, { name: "renamed", public: false });
  await store.updateGroup(g.id, { invite_code: "rotated" });
  await store.updateGroup(g.id, { invite_code: "rotated again" });
  await store.addBan(g.id, bob.id);
  await store.isBanned(g.id, bob.id);
  await store.removeBan(g.id, bob.id);
  await store.setMuted(g.id, bob.id, true);
  await store.mutedGroups(bob.id, [g.id]);
  await store.setMuted(g.id, bob.id, false);
  await store.createDm({ ...group(ann.id), id: "dm-ann-bob", kind: "dm" }, [
    ann.id,
    bob.id,
  ]);
  await store.removeMember(g.id, bob.id);
  // The owner's leave passes ownership on (a transfer), then the last member leaves.
  const g2 = group(ann.id);
  await store.createGroup(g2);
  await store.addMember(g2.id, bob.id);
  await store.setRole(g2.id, bob.id, "admin");
  await store.leaveGroup(g2.id, ann.id);
  await store.groupById(g2.id);
  await store.leaveGroup(g2.id, bob.id);
  // §5: each attachment method down the path that queries (a claim refused, a sweep).
  const [a, b] = [attachment({ minute: 1 }), attachment({ minute: 2 })];
  await store.attachments.create(a);
  await store.attachments.create({ ...b, claimed_by: "m:0" });
  await store.attachments.byIds([a.id, b.id]);
  await store.attachments.claim([a.id, b.id], "m:1");
  await store.attachments.claim([a.id], "m:1");
  await store.attachments.setSeq([a.id], 6);
  await store.attachments.release([a.id], "m:1");
  await store.attachments.unclaimed(new Date().toISOString(), 10);
  await store.attachments.delete(a.id, { onlyUnclaimed: true });
  await store.attachments.delete(b.id);
}

/** Methods that may only insert: no query to serve (their unique indexes are in the contract). */
const insertsOnly = [
  "createUser",
  "addMember",
  "insertMessages",
  "createGroup",
  "addBan",
  "insertEvents",
];

/**
 * `store` telling `onCall` the name of each method called, before the call; a sub-port's methods
 * are named `attachments.claim` and so on.
 */
function recording<T extends object>(
  store: T,
  onCall: (method: string) => void,
  prefix = "",
): T {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value === "object" && value !== null) {
        return recording(value, onCall, `${prefix}${String(name)}.`);
      }
      if (typeof value !== "function") return value;
      onCall(prefix + String(name));
      return value.bind(target);
    },
  });
}

/** The methods a class declares, with `prefix` (sub-ports). */
function methodsOf(cls: { prototype: object }, prefix = ""): string[] {
  return Object.getOwnPropertyNames(cls.prototype)
    .filter((m) => !["constructor", "healthy", "close"].includes(m))
    .map((m) => prefix + m);
}

mongoTest(
  "mongo store: every query of every method is served by an index the server reports",
  async () => {
    // Methods run one at a time, so each command belongs to the method called last.
    let method = "open";
    const commands: { method: string; command: Document }[] = [];
    const onCommand = (command: Document) => commands.push({ method, command });
    await withMongoStore(async ({ store, db }) => {
      await everyMethod(recording(store, (m) => method = m));
      const methods = [
        ...methodsOf(MongoStore),
        ...methodsOf(MongoReadStore, "reads."),
        ...methodsOf(MongoAttachmentStore, "attachments.").filter((m) =>
          m !== "attachments.createIndexes"
        ),
      ];
      const queries = commands.flatMap(({ method, command }) =>
        queriesOf(command).map((q) => ({ ...q, method }))
      );
      assert.deepEqual(
        methods.filter((m) =>
          !insertsOnly.includes(m) && !queries.some((q) => q.method === m)
        ),
        [],
        "every method that queries was driven and seen querying",
      );

      const indexes = new Map<string, [string, number][][]>();
      for (const q of queries) {
        if (!indexes.has(q.collection)) {
          const list = await db.collection(q.collection).listIndexes()
            .toArray();
          indexes.set(
            q.collection,
            list.map((i) => Object.entries(i.key) as [string, number][]),
          );
        }
        const keys = indexes.get(q.collection)!;
        assert.ok(
          keys.some((key) => serves(key, q)),
          `${q.method}: no index on ${q.collection} serves ${
            JSON.stringify({
              equality: q.equality,
              range: q.range,
              sort: q.sort,
            })
          }`,
        );
      }

      const info = await db.admin().command({ buildInfo: 1 });
      if (info.ferretdbVersion) return; // See the module comment.
      for (const q of queries) {
        const { lsid: _l, $db: _d, $clusterTime: _c, ...command } = q.command;
        const plan = JSON.stringify(
          await db.command({ explain: command, verbosity: "queryPlanner" }),
        );
        assert.match(plan, /IXSCAN|IDHACK/, `index scan: ${plan}`);
        assert.doesNotMatch(plan, /COLLSCAN/, `no collection scan: ${plan}`);
      }
    }, { onCommand });
  },
);
