/**
 * Issue 10: an instance near its open-file limit stays reachable. The socket cap is lowered to
 * what the limit can hold, so upgrades beyond it are refused with 503 rather than failing; and
 * when connections still exhaust the descriptors, the listener comes back once they close
 * instead of leaving the process running but deaf. A real server process under `prlimit`.
 */
import assert from "node:assert/strict";
import { type RawUpgrade, rawUpgrade } from "../helpers/raw_upgrade.ts";
import { startServerProcess, tempKvPath } from "../helpers/server_process.ts";
import { integration } from "../helpers/fixture.ts";
import { socketDescriptors } from "../../lib/open_files.ts";

const openFiles = 200;
const hasPrlimit = await new Deno.Command("prlimit", { args: ["--version"] })
  .output().then((o) => o.success, () => false);

Deno.test(
  {
    name:
      "an instance near its open-file limit caps sockets and keeps listening",
    ignore: Deno.build.os !== "linux" || !hasPrlimit,
    ...integration,
  },
  async (t) => {
    const server = await startServerProcess({
      KV_PATH: await tempKvPath(),
      // Anonymous upgrades are the cheapest sockets to open: let them reach the total cap.
      MAX_UNIDENTIFIED_SOCKETS: "1000",
      MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS: "1000",
    }, { openFiles });
    const cap = socketDescriptors(openFiles);
    const open: RawUpgrade[] = [];
    const flood: Deno.Conn[] = [];
    try {
      await t.step(
        `MAX_SOCKETS is lowered to ${cap}, with a warning; beyond, upgrades get 503`,
        async () => {
          assert.match(server.output(), /server\.sockets_capped/);
          const answers = await Promise.all(
            Array.from({ length: cap + 5 }, () => rawUpgrade(server.port)),
          );
          open.push(...answers);
          const accepted = answers.filter((a) => a.status === 101).length;
          assert.equal(accepted, cap);
          assert.equal(answers.filter((a) => a.status === 503).length, 5);
        },
      );
      await t.step(
        "connections past the limit break accepting; once they close it listens again",
        async () => {
          // More idle TCP connections than the process has descriptors left.
          for (let i = 0; i < openFiles; i++) {
            try {
              flood.push(
                await Deno.connect({
                  hostname: "127.0.0.1",
                  port: server.port,
                }),
              );
            } catch {
              break; // the listener is gone: refused
            }
          }
          await new Promise((r) => setTimeout(r, 300));
          for (const conn of flood.splice(0)) conn.close();
          for (const socket of open.splice(0)) socket.close();
          const deadline = Date.now() + 10_000;
          let status = 0;
          while (status !== 200 && Date.now() < deadline) {
            try {
              const res = await fetch(`${server.url}/healthz`);
              status = res.status;
              await res.body?.cancel();
            } catch {
              await new Promise((r) => setTimeout(r, 200));
            }
          }
          assert.equal(status, 200, server.output().slice(-2000));
        },
      );
    } finally {
      for (const conn of flood) conn.close();
      for (const socket of open) socket.close();
      await server.stop();
    }
  },
);
