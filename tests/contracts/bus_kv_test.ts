/**
 * Runs the bus contract against the embedded bus on Deno KV: one bus per KV file (its events are
 * delivered in-process), a reopen closes the file and opens it again.
 */
import { KvBus } from "../../lib/bus/kv_bus.ts";
import type { Bus } from "../../lib/bus/bus.ts";
import { tempKvPath } from "../helpers/server_process.ts";
import { busContract } from "./bus_contract.ts";

const claimIdleMs = 300;

busContract("kv", {
  multiInstance: false,
  claimIdleMs,
  make: async (_n, options) => {
    const path = await tempKvPath();
    const open = async () =>
      await KvBus.open(await Deno.openKv(path), { claimIdleMs, ...options });
    const buses: Bus[] = [await open()];
    return {
      buses,
      cleanup: async () => {
        await Promise.all(buses.map((bus) => bus.close()));
        await Deno.remove(path.replace(/\/[^/]*$/, ""), { recursive: true });
      },
      reopen: async (bus) => {
        await bus.close();
        const again = await open();
        buses.push(again);
        return again;
      },
    };
  },
});
