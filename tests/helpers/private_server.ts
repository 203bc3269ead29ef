/**
 * A private server process for tests (redis-server, FerretDB): its own temp folder and free port
 * on 127.0.0.1, started and waited for until it answers, stopped and killed by its own handle.
 * One place owns what outlives a failed test: at unload, every server still running is killed
 * and every folder still there removed.
 */
import { freePort } from "./free_port.ts";

/** How to run one kind of server. */
export interface ServerKind {
  /** Its name in error messages ("redis-server", "FerretDB"). */
  name: string;
  /** The prefix of its temp folder. */
  dirPrefix: string;
  /** The binary and arguments that run it on `port` with its files in `dir`. */
  command(port: number, dir: string): { bin: string; args: string[] };
  /** True once it answers on `port` (a protocol-level ping, not just an open port). */
  answers(port: number): Promise<boolean>;
  /** How long it may take to answer after spawning. */
  readyTimeoutMs: number;
  /** How often to ask whether it answers. */
  pollMs: number;
  /** Keep the tail of its stdout and stderr for `output()`; otherwise both are discarded. */
  keepOutput?: boolean;
}

/** A running private server. Its port and folder stay the same across `stop()` and `start()`. */
export interface PrivateServer {
  port: number;
  dir: string;
  /** Stops it gracefully (SIGTERM); its folder stays. */
  stop(): Promise<void>;
  /** Starts it again after `stop()`. */
  start(): Promise<void>;
  /** Kills it for good (SIGKILL) and removes its folder; safe to call twice. */
  kill(): Promise<void>;
  /** The tail of its output (empty unless `keepOutput`), for a failing test. */
  output(): string;
}

const OUTPUT_TAIL_CHARS = 8000;
const PORT_ATTEMPTS = 3;

const live = new Set<Deno.ChildProcess>();
const liveDirs = new Set<string>();

// Last resort for a test that failed before its `finally`, and for a server shared by a file: no
// server and no folder outlives the run.
globalThis.addEventListener("unload", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  for (const dir of liveDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/** True when `bin --version` runs and exits 0 (a binary that panics does not count). */
export async function answersVersion(bin: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(bin, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Starts a `kind` server on a free port in a new temp folder; resolves once it answers. */
export async function startPrivateServer(
  kind: ServerKind,
): Promise<PrivateServer> {
  const dir = await Deno.makeTempDir({ prefix: kind.dirPrefix });
  liveDirs.add(dir);
  let log = "";
  const append = (text: string) => log = (log + text).slice(-OUTPUT_TAIL_CHARS);
  const removeDir = async () => {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    liveDirs.delete(dir);
  };
  let current: Deno.ChildProcess | null = null;
  let port = 0;
  for (let attempt = 1; current === null; attempt++) {
    port = freePort();
    try {
      current = await spawn(kind, port, dir, append);
    } catch (err) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= PORT_ATTEMPTS) {
        await removeDir();
        throw err;
      }
    }
  }
  const halt = async (signal: Deno.Signal) => {
    const proc = current;
    current = null;
    if (proc) await end(proc, signal);
  };
  return {
    port,
    dir,
    stop: () => halt("SIGTERM"),
    start: async () => {
      if (current) {
        throw new Error(`Cannot start ${kind.name} on ${port}: it is running`);
      }
      current = await spawn(kind, port, dir, append);
    },
    kill: async () => {
      await halt("SIGKILL");
      await removeDir();
    },
    output: () => log,
  };
}

/** Spawns one process of `kind` and waits until it answers; kills it if it never does. */
async function spawn(
  kind: ServerKind,
  port: number,
  dir: string,
  append: (text: string) => void,
): Promise<Deno.ChildProcess> {
  const { bin, args } = kind.command(port, dir);
  const output = kind.keepOutput ? "piped" : "null";
  const child = new Deno.Command(bin, {
    args,
    stdin: "null",
    stdout: output,
    stderr: output,
  }).spawn();
  live.add(child);
  if (kind.keepOutput) {
    const decoder = new TextDecoder();
    for (const stream of [child.stdout, child.stderr]) {
      void (async () => {
        for await (const chunk of stream) append(decoder.decode(chunk));
      })().catch(() => {});
    }
  }
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + kind.readyTimeoutMs;
  while (Date.now() < deadline && !exited) {
    if (await kind.answers(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, kind.pollMs));
  }
  await end(child, "SIGKILL");
  throw new Error(`${kind.name} did not answer on port ${port}`);
}

/** Signals `child` and waits for it to exit. */
async function end(child: Deno.ChildProcess, signal: Deno.Signal) {
  try {
    child.kill(signal);
  } catch { /* already exited */ }
  await child.status;
  live.delete(child);
}
