/**
 * Many groups' seq counters of the embedded bus at once, for a socket's `ready`, which asks for
 * every group of its user: the counters this instance remembers (the ones `headSeq` would
 * answer), and the others in `getMany` calls of ten keys rather than one `get` a group. What is
 * read is remembered, as `headSeq` does, so the next socket of the user reads nothing.
 */
import { getManyEntries } from "../store/_kv_reads.ts";
import type { Counters, KvAppender } from "./_kv_bus_append.ts";
import { headKey } from "./_kv_bus_keys.ts";

/** The last seq of each group in `groupIds` that has a counter; no entry for one without. */
export async function readHeadSeqs(
  kv: Deno.Kv,
  appender: KvAppender,
  groupIds: string[],
): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  const unread: string[] = [];
  for (const groupId of new Set(groupIds)) {
    const known = appender.known(groupId);
    if (!known) unread.push(groupId);
    else if (known.seq !== null) heads.set(groupId, known.seq);
  }
  const entries = await getManyEntries<Counters>(kv, unread.map(headKey));
  entries.forEach((entry, i) => {
    appender.learn(unread[i], entry);
    if (entry.value) heads.set(unread[i], entry.value.seq);
  });
  return heads;
}
