/** In-process presence: one instance, so no connection can be orphaned by a dead peer. */
import type { Presence } from "./presence.ts";

export class MemoryPresence implements Presence {
  #connections = new Map<string, Set<string>>();

  connect(userId: string, connectionId: string): Promise<boolean> {
    let set = this.#connections.get(userId);
    const first = !set || set.size === 0;
    if (!set) this.#connections.set(userId, set = new Set());
    set.add(connectionId);
    return Promise.resolve(first);
  }

  disconnect(userId: string, connectionId: string): Promise<boolean> {
    const set = this.#connections.get(userId);
    if (!set || !set.delete(connectionId)) return Promise.resolve(false);
    if (set.size > 0) return Promise.resolve(false);
    this.#connections.delete(userId);
    return Promise.resolve(true);
  }

  online(userIds: string[]): Promise<Set<string>> {
    return Promise.resolve(
      new Set(userIds.filter((id) => this.#connections.has(id))),
    );
  }

  setExpiryListener(_listener: (userIds: string[]) => void): void {
    // Nothing expires in one process: connections end only through disconnect().
  }

  close(): Promise<void> {
    this.#connections.clear();
    return Promise.resolve();
  }
}
