/** Batched Deno KV reads that stay within its per-call limits. */

/** Deno KV's `getMany` reads at most 10 keys per call. */
const GET_MANY_LIMIT = 10;

/** The entries under `keys`, in order, absent ones included (value and versionstamp null). */
export async function getManyEntries<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const calls: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
    calls.push(kv.getMany<T[]>(keys.slice(i, i + GET_MANY_LIMIT)));
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

/** The last key part of every key under `prefix`: the ids an index lists. */
export async function listLastKeyParts(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of kv.list({ prefix })) {
    out.push(entry.key.at(-1) as string);
  }
  return out;
}
