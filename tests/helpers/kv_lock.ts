/**
 * Holds SQLite's exclusive lock on a KV file from another process, as a second instance does
 * while it creates the file's schema, so tests can make `Deno.openKv` meet "database is locked"
 * every time instead of by chance.
 */

/** A process holding the lock; `release()` ends it and waits until the lock is gone. */
export interface KvLockHolder {
  release(): Promise<void>;
}

const holderScript = `
import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(Deno.args[0]);
db.exec("BEGIN EXCLUSIVE");
db.exec("CREATE TABLE IF NOT EXISTS held_by_test (x)");
console.log("locked");
// Holds the transaction open until the test closes stdin (or the process is killed).
for await (const _ of Deno.stdin.readable) { /* wait */ }
db.exec("ROLLBACK");
`;

/** Takes the lock on `path` in a child process and resolves once it is held. */
export async function holdKvLock(path: string): Promise<KvLockHolder> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", holderScript, path],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the lock holder exited: ${seen}`);
    seen += value;
  }
  reader.releaseLock();
  let released: Promise<void> | null = null;
  return {
    release: () =>
      released ??= (async () => {
        await child.stdin.close().catch(() => {});
        await child.status;
        await child.stdout.cancel().catch(() => {});
      })(),
  };
}
