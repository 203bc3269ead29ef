/**
 * The Deno KV key layout of the embedded bus, in one place. Every key starts with
 * `["salvioris", "bus"]`, so the bus can share one KV file with the store (whose keys start with
 * `["salvioris", <kind>]`, never "bus") and stay separable.
 */

const BUS: Deno.KvKey = ["salvioris", "bus"];

/** A group's counters: `{ seq, rev }`, the last seq and rev assigned. Never expires. */
export const headKey = (groupId: string): Deno.KvKey => [
  ...BUS,
  "head",
  groupId,
];

/** The first message sent with this nonce by this author in this group (expires with the TTL). */
export const nonceKey = (
  groupId: string,
  authorId: string,
  nonce: string,
): Deno.KvKey => [...BUS, "nonce", groupId, authorId, nonce];

/** An event in its group's recovery buffer, under its rev: ranges are key ranges. */
export const recentKey = (groupId: string, rev: number): Deno.KvKey => [
  ...BUS,
  "recent",
  groupId,
  rev,
];

/** Prefix of a group's recovery buffer. */
export const recentPrefix = (groupId: string): Deno.KvKey => [
  ...BUS,
  "recent",
  groupId,
];

/** A message's pending state (not yet known to be in the store), under its seq. */
export const pendingKey = (groupId: string, seq: number): Deno.KvKey => [
  ...BUS,
  "pending",
  groupId,
  seq,
];

/** A pending state known stored (`{ rev, at }`: its rev, when marked), waiting to be dropped. */
export const persistedKey = (groupId: string, seq: number): Deno.KvKey => [
  ...BUS,
  "persisted",
  groupId,
  seq,
];

/** Prefix of a group's persisted marks. */
export const persistedPrefix = (groupId: string): Deno.KvKey => [
  ...BUS,
  "persisted",
  groupId,
];

/** Prefix of every group's persisted marks (the sweep walks it). */
export const persistedAllPrefix: Deno.KvKey = [...BUS, "persisted"];

/** The highest rev of any pending state of the group dropped so far (a number). */
export const prunedKey = (groupId: string): Deno.KvKey => [
  ...BUS,
  "pruned",
  groupId,
];

/** One hand-off entry: a reference to an event waiting for the store, in append order. */
export const handoffKey = (entry: number): Deno.KvKey => [
  ...BUS,
  "handoff",
  entry,
];

/** Prefix of the hand-off. */
export const handoffPrefix: Deno.KvKey = [...BUS, "handoff"];

/** How many hand-off entries exist (a `Deno.KvU64`, kept in the same commits that add or delete). */
export const backlogKey: Deno.KvKey = [...BUS, "backlog"];
