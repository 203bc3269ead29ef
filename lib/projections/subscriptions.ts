/**
 * The subscription projection: which of this instance's sockets listen to which group.
 *
 * A reducer without I/O: `applySubscription(state, event)` updates the state and answers what
 * changed — the groups that gained their first local listener or lost their last one (so the hub
 * joins or leaves their bus topics) and the connections an event removed from a group. It updates
 * in place rather than copying: copying maps on every event would make a reconnect storm of N
 * sockets cost O(N²).
 *
 * `C` is how a connection is named: any value with identity. The hub names each by its
 * `Connection` object, so fan-out iterates a group's listeners with no lookup per socket; tests
 * use plain ids.
 */

export interface SubscriptionState<C = string> {
  /** connection → its user */
  readonly users: Map<C, string>;
  /** connection → groups it listens to */
  readonly groupsOf: Map<C, Set<string>>;
  /** group id → connections listening to it */
  readonly listeners: Map<string, Set<C>>;
}

export type SubscriptionEvent<C = string> =
  | { type: "opened"; connection_id: C; user_id: string }
  | { type: "closed"; connection_id: C }
  | { type: "subscribed"; connection_id: C; group_id: string }
  | { type: "unsubscribed"; connection_id: C; group_id: string }
  | { type: "member_left"; user_id: string; group_id: string };

/** What one event changed. */
export interface SubscriptionChange<C = string> {
  /** Groups that now have their first local listener. */
  gained: string[];
  /** Groups that no longer have any local listener. */
  lost: string[];
  /** (connection, group) links the event removed. */
  removed: Array<{ connection_id: C; group_id: string }>;
}

/** A new, empty state. */
export function emptySubscriptions<C = string>(): SubscriptionState<C> {
  return { users: new Map(), groupsOf: new Map(), listeners: new Map() };
}

/** Applies one event. Unknown connections and repeated events change nothing. */
export function applySubscription<C>(
  state: SubscriptionState<C>,
  event: SubscriptionEvent<C>,
): SubscriptionChange<C> {
  const change: SubscriptionChange<C> = { gained: [], lost: [], removed: [] };
  switch (event.type) {
    case "opened":
      if (!state.users.has(event.connection_id)) {
        state.users.set(event.connection_id, event.user_id);
        state.groupsOf.set(event.connection_id, new Set());
      }
      break;
    case "closed":
      for (const group of [...state.groupsOf.get(event.connection_id) ?? []]) {
        unlink(state, event.connection_id, group, change);
      }
      state.users.delete(event.connection_id);
      state.groupsOf.delete(event.connection_id);
      break;
    case "subscribed":
      link(state, event.connection_id, event.group_id, change);
      break;
    case "unsubscribed":
      unlink(state, event.connection_id, event.group_id, change);
      break;
    case "member_left":
      for (const connection of [...state.listeners.get(event.group_id) ?? []]) {
        if (state.users.get(connection) === event.user_id) {
          unlink(state, connection, event.group_id, change);
        }
      }
      break;
  }
  return change;
}

function link<C>(
  state: SubscriptionState<C>,
  connection: C,
  group: string,
  change: SubscriptionChange<C>,
) {
  const groups = state.groupsOf.get(connection);
  if (!groups || groups.has(group)) return;
  groups.add(group);
  let listeners = state.listeners.get(group);
  if (!listeners) {
    state.listeners.set(group, listeners = new Set());
    change.gained.push(group);
  }
  listeners.add(connection);
}

function unlink<C>(
  state: SubscriptionState<C>,
  connection: C,
  group: string,
  change: SubscriptionChange<C>,
) {
  const groups = state.groupsOf.get(connection);
  if (!groups?.delete(group)) return;
  change.removed.push({ connection_id: connection, group_id: group });
  const listeners = state.listeners.get(group);
  listeners?.delete(connection);
  if (listeners && listeners.size === 0) {
    state.listeners.delete(group);
    change.lost.push(group);
  }
}
