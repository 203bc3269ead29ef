import assert from "node:assert/strict";
import {
  emptyTimeline,
  insertMessage,
  isContinuation,
  mergePage,
  seenBy,
} from "../../lib/ui/timeline.ts";
import { alice, bob, carol, msg } from "./fakes.ts";

Deno.test("insertMessage() replaces a message with the same seq instead of adding it", () => {
  let t = insertMessage(emptyTimeline, msg("g", 1), 10);
  t = insertMessage(t, msg("g", 1, { text: "edited" }), 10);
  assert.deepEqual(t.messages.map((m) => m.text), ["edited"]);
});

Deno.test("mergePage() takes has_more from a page that reaches further back", () => {
  const newest = mergePage(emptyTimeline, [msg("g", 51), msg("g", 52)], true);
  assert.equal(newest.hasMore, true);
  const older = mergePage(newest, [msg("g", 1), msg("g", 50)], false);
  assert.equal(older.hasMore, false);
  assert.deepEqual(older.messages.map((m) => m.seq), [1, 50, 51, 52]);
});

Deno.test("isContinuation() groups one author's messages within five minutes", () => {
  const a = msg("g", 1, { created_at: "2025-01-01T12:00:00Z" });
  assert.equal(
    isContinuation(a, msg("g", 2, { created_at: "2025-01-01T12:04:59Z" })),
    true,
  );
  assert.equal(
    isContinuation(a, msg("g", 2, { created_at: "2025-01-01T12:05:00Z" })),
    false,
  );
  assert.equal(isContinuation(a, msg("g", 2, { author: alice })), false);
  assert.equal(isContinuation(undefined, a), false);
});

Deno.test("seenBy() puts each member under the newest message they have read", () => {
  const messages = [
    msg("g", 1, { author: alice }),
    msg("g", 2, { author: alice }),
    msg("g", 4),
  ];
  const reads = new Map([[bob.id, 2], [carol.id, 3], [alice.id, 4], [
    "u-old",
    0,
  ]]);
  const names: Record<string, string> = {
    [bob.id]: "bob",
    [carol.id]: "carol",
  };
  const out = seenBy(messages, reads, alice.id, (id) => names[id] ?? "?");
  assert.deepEqual([...out], [[2, ["bob", "carol"]]]);
});

Deno.test("seenBy() does not tell an author they have seen their own message", () => {
  const messages = [
    msg("g", 1, { author: alice }),
    msg("g", 2, { author: bob }),
  ];
  const out = seenBy(
    messages,
    new Map([[bob.id, 2], [carol.id, 2]]),
    alice.id,
    (id) => id,
  );
  assert.deepEqual([...out], [[2, [carol.id]]]);
});

Deno.test("mergePage() replaces the held messages with a page far older, detached from the live end", () => {
  const live = mergePage(emptyTimeline, [msg("g", 200), msg("g", 201)], true);
  const jumped = mergePage(live, [msg("g", 10), msg("g", 11)], {
    hasMore: true,
    hasMoreAfter: true,
  });
  assert.deepEqual(jumped.messages.map((m) => m.seq), [10, 11]);
  assert.equal(jumped.hasNewer, true);
  assert.equal(
    insertMessage(jumped, msg("g", 202), 10),
    jumped,
    "new messages wait for the next page down",
  );
  const down = mergePage(jumped, [msg("g", 12), msg("g", 13)], {
    hasMore: true,
    hasMoreAfter: false,
  });
  assert.deepEqual(down.messages.map((m) => m.seq), [10, 11, 12, 13]);
  assert.equal(down.hasNewer, false);
  assert.equal(down.hasMore, true);
});

Deno.test("mergePage() keeps whichever copy of a message has the higher rev", () => {
  const held = mergePage(emptyTimeline, [
    msg("g", 1, { rev: 5, text: "held, newer" }),
    msg("g", 2, { rev: 2, text: "held, older" }),
  ], false);
  const merged = mergePage(held, [
    msg("g", 1, { rev: 3, text: "page, older" }),
    msg("g", 2, { rev: 6, text: "page, newer" }),
  ], false);
  assert.deepEqual(merged.messages.map((m) => m.text), [
    "held, newer",
    "page, newer",
  ]);
});
