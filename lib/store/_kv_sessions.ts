/**
 * Sessions on Deno KV, one key per token hash. KV drops the key itself once expired; reads still
 * check `expires_at` because KV may keep an expired key visible for a while.
 */
import type { StoredSession } from "./store.ts";
import * as keys from "./_kv_keys.ts";
import { commit, retryWhileLocked } from "./_kv_retry.ts";
import { getEntry } from "./_kv_reads.ts";
import { isLive } from "./_session_expiry.ts";

/** Stores `session` under its token hash, to expire with it. */
export async function create(
  kv: Deno.Kv,
  tokenHash: string,
  session: StoredSession,
): Promise<void> {
  const ms = Date.parse(session.expires_at) - Date.now();
  const expireIn = ms > 1 ? Math.ceil(ms) : 1;
  const key = keys.sessionKey(tokenHash);
  await retryWhileLocked(() => kv.set(key, session, { expireIn }));
}

/** The live session of a token hash, or null. */
export async function byTokenHash(
  kv: Deno.Kv,
  tokenHash: string,
): Promise<StoredSession | null> {
  const key = keys.sessionKey(tokenHash);
  const session = (await getEntry<StoredSession>(kv, key)).value;
  return session && isLive(session) ? session : null;
}

/** Deletes a session; answers it while live, to exactly one of concurrent callers. */
export async function remove(
  kv: Deno.Kv,
  tokenHash: string,
): Promise<StoredSession | null> {
  const key = keys.sessionKey(tokenHash);
  while (true) {
    const entry = await getEntry<StoredSession>(kv, key);
    if (entry.value === null) return null;
    // The check makes exactly one of two concurrent deleters answer the session.
    const res = await commit(kv.atomic().check(entry).delete(key));
    if (res.ok) return isLive(entry.value) ? entry.value : null;
  }
}
