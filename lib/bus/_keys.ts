/**
 * Every Redis key the Redis adapters (bus and presence) use, built in one place with one prefix.
 * Pub/sub channels are not keys: they keep the seed's names from `topics.ts`, unprefixed.
 *
 * A key with one variable part puts it last, raw, so Lua can build the same key from a prefix.
 * A key with several variable parts encodes each one, so `a:b` + `c` never meets `a` + `b:c`.
 */

/** The prefix of every key. */
export const keyPrefix = "salvioris:";

const part = (value: string) => encodeURIComponent(value);

/** Keys of the Redis bus. */
export const busKeys = {
  /** The group's seq counter: the last seq assigned. */
  seq: (groupId: string) => `${keyPrefix}seq:${groupId}`,
  /** The group's rev counter: the last rev assigned. */
  rev: (groupId: string) => `${keyPrefix}rev:${groupId}`,
  /** The group's recovery buffer: a sorted set of event JSON scored by rev. */
  recent: (groupId: string) => `${keyPrefix}recent:${groupId}`,
  /** The group's pending states: a hash of seq → message state JSON not yet known stored. */
  pending: (groupId: string) => `${keyPrefix}pending:${groupId}`,
  /** Pending states known stored, not yet dropped: a hash of seq → rev. */
  persisted: (groupId: string) => `${keyPrefix}persisted:${groupId}`,
  /** Groups with persisted marks not yet dropped, scored by the first mark's time (ms). */
  markedGroups: `${keyPrefix}marked_groups`,
  /** The highest rev of any pending state dropped in the group. */
  pruned: (groupId: string) => `${keyPrefix}pruned:${groupId}`,
  /** The first message sent with this nonce by this author in this group. */
  nonce: (groupId: string, authorId: string, nonce: string) =>
    `${keyPrefix}nonce:${part(groupId)}:${part(authorId)}:${part(nonce)}`,
  /** The persistence hand-off stream. */
  handoff: `${keyPrefix}handoff`,
  /** The consumer group every persister reads the hand-off stream through. */
  handoffGroup: "persisters",
} as const;

/** Keys of the Redis presence. */
export const presenceKeys = {
  /** Hash of a user's open connections: connection id → instance id. */
  user: (userId: string) => `${keyPrefix}presence:user:${userId}`,
  userPrefix: `${keyPrefix}presence:user:`,
  /** Set of an instance's connections, each `JSON.stringify([userId, connectionId])`. */
  conns: (instanceId: string) => `${keyPrefix}presence:conns:${instanceId}`,
  connsPrefix: `${keyPrefix}presence:conns:`,
  /** Present while the instance is alive: refreshed by its heartbeat, expires after its TTL. */
  alive: (instanceId: string) => `${keyPrefix}presence:alive:${instanceId}`,
  alivePrefix: `${keyPrefix}presence:alive:`,
  /** Set of the instance ids that may hold connections, walked by every sweeper. */
  instances: `${keyPrefix}presence:instances`,
} as const;
