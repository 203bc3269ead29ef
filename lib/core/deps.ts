/** What the core needs from the outside world: the ports, and a clock. */
import type { Bus } from "../bus/bus.ts";
import type { FileStorage } from "../files/files.ts";
import type { Presence } from "../presence/presence.ts";
import type { Store } from "../store/store.ts";

export interface CoreDeps {
  store: Store;
  bus: Bus;
  presence: Presence;
  /** This process's id in the cluster (consumer name, presence owner). */
  instanceId: string;
  now: () => number;
  /**
   * §5: the bytes of attachments. Absent where a setup serves no files (some tests): uploads
   * are then not offered, and deleting a message has no files to delete.
   */
  files?: FileStorage;
}
