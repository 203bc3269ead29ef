/**
 * Batched Deno KV reads that stay within their per-call limits; each call is asked again when
 * SQLite refused it for a locked file (see `_kv_retry.ts`).
 */
import { retryWhileLocked } from "./_kv_retry.ts";

/** One point read. */
export function getEntry<T>(
  kv: Deno.Kv,
  key: Deno.KvKey,
): Promise<Deno.KvEntryMaybe<T>> {
  return retryWhileLocked(() => kv.get<T>(key));
}

/** Deno KV's `getMany` reads at most 10 keys per call. */
const GET_MANY_LIMIT = 10;

/** The entries under `keys`, in order, absent ones included (value and versionstamp null). */
export async function getManyEntries<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const calls: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
    const batch = keys.slice(i, i + GET_MANY_LIMIT);
    calls.push(retryWhileLocked(() => kv.getMany<T[]>(batch)));
  }
  return (await Promise.all(calls)).flat();
}

/** The values stored under `keys`, in order, skipping absent keys. */
export async function getManyValues<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<T[]> {
  const entries = await getManyEntries<T>(kv, keys);
  return entries.flatMap((e) => e.value === null ? [] : [e.value]);
}

/** Every entry a `list` selects, read again from the start if the file was locked midway. */
export function listEntries<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  options?: Deno.KvListOptions,
): Promise<Deno.KvEntry<T>[]> {
  return retryWhileLocked(async () => {
    const out: Deno.KvEntry<T>[] = [];
    for await (const entry of kv.list<T>(selector, options)) out.push(entry);
    return out;
  });
}

/** The last key part of every key under `prefix`: the ids an index lists. */
export async function listLastKeyParts(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
): Promise<string[]> {
  const entries = await listEntries(kv, { prefix });
  return entries.map((entry) => entry.key.at(-1) as string);
}
