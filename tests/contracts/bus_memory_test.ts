/** Runs the bus contract against the in-process bus (one instance per backend). */
import { MemoryBus } from "../../lib/bus/memory_bus.ts";
import { busContract } from "./bus_contract.ts";

busContract("memory", {
  multiInstance: false,
  // MemoryBus never gives an entry read and left unacknowledged to another reader.
  claimIdleMs: null,
  make: () => {
    const bus = new MemoryBus();
    return Promise.resolve({ buses: [bus], cleanup: () => bus.close() });
  },
});
