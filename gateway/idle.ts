/**
 * Idle presence (an addition to the protocol): a user is idle on this instance when every socket
 * of theirs here that reported a state (`presence_status`) reported idle. Only changes of that
 * answer are told to the cluster; with sockets on several instances, the latest change told wins.
 * Entries go with the sockets: nothing here outlives a user's last reporting socket.
 */
import { topics } from "../lib/bus/topics.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import type { Hub } from "./hub.ts";

/** Per user, each reporting socket's state, and what was last told. */
export class IdleTracker {
  #users = new Map<string, { sockets: Map<string, boolean>; told: boolean }>();

  /** Records a socket's state; answers the user's new state when it changed, else null. */
  report(userId: string, connectionId: string, idle: boolean): boolean | null {
    let user = this.#users.get(userId);
    if (!user) {
      user = { sockets: new Map(), told: false };
      this.#users.set(userId, user);
    }
    user.sockets.set(connectionId, idle);
    return this.#changed(userId);
  }

  /** Forgets a closed socket; answers the user's new state when it changed, else null. */
  forget(userId: string, connectionId: string): boolean | null {
    const user = this.#users.get(userId);
    if (!user?.sockets.delete(connectionId)) return null;
    if (user.sockets.size === 0) {
      // The last reporting socket went: when it was their last socket, `presence` offline
      // follows, and an "active again" first would flash them online.
      this.#users.delete(userId);
      return null;
    }
    return this.#changed(userId);
  }

  /** How many users are tracked (tests: nothing outlives its sockets). */
  get size(): number {
    return this.#users.size;
  }

  #changed(userId: string): boolean | null {
    const user = this.#users.get(userId)!;
    const idle = [...user.sockets.values()].every(Boolean);
    if (idle === user.told) return null;
    user.told = idle;
    return idle;
  }
}

const trackers = new WeakMap<Hub, IdleTracker>();

/** This instance's tracker (one per hub, made on first use). */
export function idleTracker(hub: Hub): IdleTracker {
  let tracker = trackers.get(hub);
  if (!tracker) {
    tracker = new IdleTracker();
    trackers.set(hub, tracker);
  }
  return tracker;
}

/** Tells the user's groups on every instance that they became idle or active. */
export async function announceIdle(
  deps: CoreDeps,
  userId: string,
  idle: boolean,
): Promise<void> {
  const groups = await deps.store.groupsOfUser(userId);
  await deps.bus.publish(topics.control, {
    kind: "presence_idle",
    user_id: userId,
    idle,
    group_ids: groups.map((g) => g.id),
  });
}
