/**
 * The hub: this instance's registry of sockets and the owner of its bus subscriptions.
 * It applies the subscription projection and keeps the bus in step with it: a group's topics are
 * joined when its first local socket subscribes and left when the last one goes, one operation
 * at a time per topic so quick subscribe/unsubscribe sequences cannot race.
 */
import type { Bus } from "../lib/bus/bus.ts";
import { topics } from "../lib/bus/topics.ts";
import {
  applySubscription,
  emptySubscriptions,
  type SubscriptionChange,
  type SubscriptionEvent,
} from "../lib/projections/subscriptions.ts";
import { errors } from "../lib/protocol/errors.ts";
import type { Connection } from "./connection.ts";
import { log } from "../lib/log.ts";

const noListeners: ReadonlySet<Connection> = new Set();

export class Hub {
  /** Every open socket, identified or not. */
  readonly open = new Set<Connection>();
  /** Identified sockets by id. */
  readonly connections = new Map<string, Connection>();
  /** Keyed by the `Connection` objects themselves: a group's listeners need no lookup. */
  readonly subscriptions = emptySubscriptions<Connection>();
  #joined = new Set<string>();
  #topicQueues = new Map<string, Promise<void>>();

  constructor(private readonly bus: Bus) {}

  /** Registers a socket once it is identified. */
  add(connection: Connection): void {
    this.connections.set(connection.id, connection);
    this.#apply({
      type: "opened",
      connection_id: connection,
      user_id: connection.userId!,
    });
  }

  /** Forgets a socket and every subscription it held. */
  remove(connection: Connection): void {
    if (!this.connections.delete(connection.id)) return;
    this.#apply({ type: "closed", connection_id: connection });
  }

  /** Links a socket to a group; resolves once this instance receives the group's events. */
  async link(connection: Connection, groupId: string): Promise<void> {
    this.#apply({
      type: "subscribed",
      connection_id: connection,
      group_id: groupId,
    });
    const topic = topics.group(groupId);
    await this.#topicQueues.get(topic);
    if (!this.#joined.has(topic)) {
      this.unsubscribe(connection, groupId);
      throw errors.unavailable("Cannot subscribe now: the bus is unreachable");
    }
  }

  /** Ends a socket's subscription to a group: its stream stops and the link goes. */
  unsubscribe(connection: Connection, groupId: string): void {
    connection.endStream(groupId);
    this.#apply({
      type: "unsubscribed",
      connection_id: connection,
      group_id: groupId,
    });
  }

  /** Ends a user's subscriptions to a group; answers the sockets that lost it. */
  memberLeft(userId: string, groupId: string): Connection[] {
    const change = this.#apply({
      type: "member_left",
      user_id: userId,
      group_id: groupId,
    });
    const lost = change.removed.map((r) => r.connection_id);
    for (const connection of lost) connection.endStream(groupId);
    return lost;
  }

  /** The sockets listening to a group (the projection's own set: iterate, do not keep). */
  listenersOf(groupId: string): ReadonlySet<Connection> {
    return this.subscriptions.listeners.get(groupId) ?? noListeners;
  }

  /** Waits for pending topic operations (tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.#topicQueues.values());
  }

  #apply(
    event: SubscriptionEvent<Connection>,
  ): SubscriptionChange<Connection> {
    const change = applySubscription(this.subscriptions, event);
    for (const group of [...change.gained, ...change.lost]) {
      this.#sync(topics.group(group), group);
      this.#sync(topics.typing(group), group);
    }
    return change;
  }

  /** Queues one reconciliation of a topic with the projection. */
  #sync(topic: string, groupId: string): void {
    const previous = this.#topicQueues.get(topic) ?? Promise.resolve();
    const next = previous.then(async () => {
      const wanted = this.subscriptions.listeners.has(groupId);
      if (wanted === this.#joined.has(topic)) return;
      try {
        if (wanted) await this.bus.subscribe(topic);
        else await this.bus.unsubscribe(topic);
        if (wanted) this.#joined.add(topic);
        else this.#joined.delete(topic);
      } catch (err) {
        log.warn(
          "gateway.topic_sync_failed",
          `gateway: could not ${wanted ? "join" : "leave"} a topic; retrying`,
          { topic, err },
        );
        // Try again later so the bus converges on the projection once it is back.
        const retry = setTimeout(() => this.#sync(topic, groupId), 1000);
        Deno.unrefTimer(retry);
      }
    });
    this.#topicQueues.set(topic, next);
    void next.then(() => {
      if (this.#topicQueues.get(topic) === next) {
        this.#topicQueues.delete(topic);
      }
    });
  }
}
