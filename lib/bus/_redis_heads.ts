/**
 * Many groups' seq counters of the Redis bus in one round trip, for a socket's `ready`, which
 * asks for every group of its user: one MGET over the keys `headSeq` reads one GET at a time.
 * The bus runs on one Redis (not a cluster), so keys of any groups may share a command.
 */
import type { Redis } from "ioredis";
import { busKeys } from "./_keys.ts";

/** The last seq of each group in `groupIds` that has a counter; no entry for one without. */
export async function readHeadSeqs(
  redis: Redis,
  groupIds: string[],
): Promise<Map<string, number>> {
  const ids = [...new Set(groupIds)];
  const heads = new Map<string, number>();
  if (ids.length === 0) return heads;
  const values = await redis.mget(ids.map(busKeys.seq));
  values.forEach((value, i) => {
    if (value !== null) heads.set(ids[i], Number(value));
  });
  return heads;
}
