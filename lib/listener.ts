/**
 * The HTTP listener, kept listening. Deno's server stops for good when accepting a connection
 * fails (its `finished` promise rejects and the listening socket is closed): once the process
 * runs out of file descriptors (`EMFILE`), a few hundred idle TCP connections from anyone would
 * leave an instance running but unreachable, with its sockets' presence still claimed. Here a
 * failed listener is replaced on the same port, retried with backoff until descriptors free up.
 */
import { log } from "./log.ts";

export interface ListenOptions {
  port: number;
  hostname: string;
}

/** A listener that comes back after accept errors; `shutdown` stops it for good. */
export interface Listener {
  readonly port: number;
  shutdown(): Promise<void>;
}

const firstRetryMs = 50;
const maxRetryMs = 2_000;

export function listen(
  options: ListenOptions,
  handler: Deno.ServeHandler,
): Listener {
  let server = serve(options, handler);
  // With port 0 the system chose one: listen again on that same port.
  const port = server.addr.port;
  let stopped = false;

  const relisten = async (err: unknown) => {
    if (stopped) return;
    log.error(
      "server.accept_failed",
      "server: accepting connections failed; listening again",
      { err, port },
    );
    for (
      let delay = firstRetryMs;
      !stopped;
      delay = Math.min(2 * delay, maxRetryMs)
    ) {
      await new Promise((r) => setTimeout(r, delay));
      if (stopped) return;
      try {
        server = serve({ ...options, port }, handler);
        watch(server);
        log.info("server.listening_again", "server: listening again", { port });
        return;
      } catch (retryErr) {
        // Usually the same shortage of descriptors: wait for sockets to close.
        log.debug("server.relisten_failed", "server: cannot listen yet", {
          err: retryErr,
          port,
        });
      }
    }
  };
  const watch = (s: Deno.HttpServer<Deno.NetAddr>) =>
    void s.finished.catch(relisten);
  watch(server);

  return {
    port,
    async shutdown() {
      stopped = true;
      await server.shutdown();
    },
  };
}

function serve(
  { port, hostname }: ListenOptions,
  handler: Deno.ServeHandler,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ port, hostname, onListen: () => {} }, handler);
}
