/** Runs the presence contract against the in-process presence (one instance, nothing expires). */
import { MemoryPresence } from "../../lib/presence/memory_presence.ts";
import { presenceContract } from "./presence_contract.ts";

presenceContract("memory", {
  multiInstance: false,
  expiryWithinMs: null,
  make: () => {
    const presence = new MemoryPresence();
    return Promise.resolve({
      presences: [presence],
      kill: () =>
        Promise.reject(new Error("one in-process instance cannot die alone")),
      cleanup: () => presence.close(),
    });
  },
});
