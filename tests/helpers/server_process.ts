/** Starts real server processes (`main.ts`) for integration tests, and stops or kills them. */

export interface ServerProcess {
  url: string;
  wsUrl: string;
  port: number;
  /** The process id, e.g. to read its memory from /proc. */
  pid: number;
  env: Record<string, string>;
  /** SIGTERM and wait (graceful shutdown); SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  /** Sends a signal without waiting (e.g. SIGSTOP / SIGCONT to freeze and thaw it). */
  signal(signal: Deno.Signal): void;
  /** Everything the process printed so far. */
  output(): string;
}

const mainPath = new URL("../../main.ts", import.meta.url).pathname;
/** How long a graceful stop may take before the process is killed. */
const stopTimeoutMs = 15_000;

/** A fresh temporary KV file path for one test. */
export async function tempKvPath(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "salvioris-test-" });
  return `${dir}/test.kv`;
}

/** Starts `main.ts` with the given environment on a free port (or `PORT` if given). */
export async function startServerProcess(
  env: Record<string, string>,
  /**
   * Another entry point than `main.ts` (the bundled single file), extra deno flags, or a limit
   * on the process's open files (soft and hard, set with `prlimit`).
   */
  options: { entry?: string; denoFlags?: string[]; openFiles?: number } = {},
): Promise<ServerProcess> {
  const fullEnv = {
    PORT: "0",
    HOST: "127.0.0.1",
    SHUTDOWN_GRACE_MS: "50",
    // Suites register many users from one address; the auth limit has its own test.
    AUTH_RATE_BURST: "100000",
    ...env,
  };
  const denoArgs = options.entry
    ? ["run", "-A", "--unstable-kv", options.entry]
    : ["run", "-A", "--no-check", ...options.denoFlags ?? [], mainPath];
  // `prlimit` runs the command in its own process, so `pid` stays the server's.
  const [command, args] = options.openFiles === undefined
    ? [Deno.execPath(), denoArgs]
    : [
      "prlimit",
      [
        `--nofile=${options.openFiles}:${options.openFiles}`,
        Deno.execPath(),
        ...denoArgs,
      ],
    ];
  const child = new Deno.Command(command, {
    args,
    env: fullEnv,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  let resolvePort: (port: number) => void;
  const portPromise = new Promise<number>((r) => resolvePort = r);
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      log += decoder.decode(chunk, { stream: true });
      const match = log.match(/listening on http:\/\/localhost:(\d+)/);
      if (match) resolvePort(Number(match[1]));
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const port = await Promise.race([
    portPromise,
    exited.then((s) => {
      throw new Error(`server exited with ${s.code} before listening:\n${log}`);
    }),
    new Promise<never>((_, reject) =>
      timer = setTimeout(
        () => reject(new Error(`server did not start:\n${log}`)),
        30_000,
      )
    ),
  ]).finally(() => clearTimeout(timer));
  let gone = false;
  void exited.then(() => gone = true);
  const finish = async (signal: Deno.Signal) => {
    // A kill after a stop still kills: a shutdown that hangs must not outlive the test.
    if (!gone) {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    }
    await exited;
    await pumps;
  };
  const stop = async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<void>((resolve) =>
      timer = setTimeout(resolve, stopTimeoutMs)
    );
    await Promise.race([finish("SIGTERM"), hung]).finally(() =>
      clearTimeout(timer)
    );
    if (!gone) {
      console.warn(
        `server on ${port}: no exit ${stopTimeoutMs} ms after SIGTERM`,
      );
      await finish("SIGKILL");
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/gateway`,
    port,
    pid: child.pid,
    env: fullEnv,
    stop,
    kill: () => finish("SIGKILL"),
    signal: (signal) => {
      if (!gone) child.kill(signal);
    },
    output: () => log,
  };
}
