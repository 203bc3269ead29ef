/**
 * The Deno KV key layout of the embedded bus, in one place. Every key starts with
 * `["salvioris", "bus"]`, so the bus can share one KV file with the store (whose keys start with
 * `["salvioris", <kind>]`, never "bus") and stay separable.
 */

const BUS: Deno.KvKey = ["salvioris", "bus"];

/** A group's seq counter: the last seq assigned (a number). Never expires. */
export const seqKey = (groupId: string): Deno.KvKey => [...BUS, "seq", groupId];

/** The first message sent with this nonce by this author in this group (expires with the TTL). */
export const nonceKey = (
  groupId: string,
  authorId: string,
  nonce: string,
): Deno.KvKey => [...BUS, "nonce", groupId, authorId, nonce];

/** A message in its group's recovery buffer. Numeric seqs sort numerically: ranges are key ranges. */
export const recentKey = (groupId: string, seq: number): Deno.KvKey => [
  ...BUS,
  "recent",
  groupId,
  seq,
];

/** Prefix of a group's recovery buffer. */
export const recentPrefix = (groupId: string): Deno.KvKey => [
  ...BUS,
  "recent",
  groupId,
];

/** One hand-off entry: a message waiting for the store, numbered in append order. */
export const handoffKey = (entry: number): Deno.KvKey => [
  ...BUS,
  "handoff",
  entry,
];

/** Prefix of the hand-off. */
export const handoffPrefix: Deno.KvKey = [...BUS, "handoff"];

/** How many hand-off entries exist (a `Deno.KvU64`, kept in the same commits that add or delete). */
export const backlogKey: Deno.KvKey = [...BUS, "backlog"];
