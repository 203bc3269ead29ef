/**
 * Which socket belongs to which user, listens to which groups and connects to which instance.
 * Pure, so the shape of a run can be checked without opening anything.
 */

/** The numbers a plan is made from (a subset of `LoadOptions`). */
export interface PlanShape {
  users: number;
  socketsPerUser: number;
  groups: number;
  groupsPerSocket: number;
  senders: number;
  instances: number;
}

/** One socket of the run. */
export interface SocketPlan {
  user: number;
  /** Indexes into the run's groups. */
  groups: number[];
  instance: number;
  sender: boolean;
}

/**
 * Socket `i` listens to groups `i·k … i·k+k-1` (mod groups), so groups get equal shares; it
 * connects to instance `⌊i·k / groups⌋ mod instances`, so each group has sockets on every
 * instance (fan-out crosses the bus); the first `senders` sockets send, covering every group.
 */
export function planSockets(shape: PlanShape): SocketPlan[] {
  const total = shape.users * shape.socketsPerUser;
  const k = shape.groupsPerSocket;
  return Array.from({ length: total }, (_, i) => ({
    user: Math.floor(i / shape.socketsPerUser),
    groups: Array.from({ length: k }, (_, j) => (i * k + j) % shape.groups),
    instance: Math.floor((i * k) / shape.groups) % shape.instances,
    sender: i < shape.senders,
  }));
}

/** The groups each user must be a member of, by user index. */
export function membershipsOf(sockets: SocketPlan[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const socket of sockets) {
    const set = out.get(socket.user) ?? new Set<number>();
    for (const g of socket.groups) set.add(g);
    out.set(socket.user, set);
  }
  return out;
}

/** How many sockets listen to each group (each message is delivered that many times). */
export function listenerCounts(
  sockets: SocketPlan[],
  groups: number,
): number[] {
  const counts = new Array<number>(groups).fill(0);
  for (const socket of sockets) for (const g of socket.groups) counts[g]++;
  return counts;
}
