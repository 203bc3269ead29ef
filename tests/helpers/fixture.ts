/** One server process per test file, started on first use and stopped by the last step. */
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "./server_process.ts";

/** Runs `fn` with a fresh single-instance server (embedded store), stopping it afterwards. */
export async function withServer(
  env: Record<string, string>,
  fn: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const server = await startServerProcess({
    KV_PATH: await tempKvPath(),
    ...env,
  });
  try {
    await fn(server);
  } catch (err) {
    console.error(server.output().slice(-4000));
    throw err;
  } finally {
    await server.stop();
  }
}

/** Test options for suites that own subprocesses and sockets across steps. */
export const integration = {
  sanitizeOps: false,
  sanitizeResources: false,
} as const;
