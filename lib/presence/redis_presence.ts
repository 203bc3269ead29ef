/**
 * Cluster-wide presence in Redis. Each instance records its connections under its id and keeps a
 * liveness key alive with a heartbeat; every instance also sweeps: connections of an instance whose
 * liveness key expired are forgotten, and users left with none go to the expiry listener.
 */
import type { Redis } from "ioredis";
import { ChatError } from "../protocol/errors.ts";
import { presenceKeys } from "../bus/_keys.ts";
import {
  openClient,
  type RedisClientSettings,
  type RoleClient,
  unavailable,
} from "../bus/_redis_client.ts";
import type { Presence } from "./presence.ts";
import { presenceScripts } from "./_redis_scripts.ts";
import { log } from "../log.ts";

/** Options of the Redis presence; the connection settings default to the seed's. */
export interface RedisPresenceOptions extends RedisClientSettings {
  /** This instance's id, unique in the cluster. */
  instanceId: string;
  /** Period of the heartbeat and of the sweep (default 5 s). */
  heartbeatMs?: number;
  /** How long a silent instance counts as alive (default 15 s); more than `heartbeatMs`. */
  instanceTtlMs?: number;
}

/** Most connections one sweep forgets, so one dead instance never blocks Redis for long. */
const sweepBudget = 1000;
/** Users per round trip of `online`. */
const onlineBatch = 1000;

type Scripted = Redis & {
  presenceConnect(...args: string[]): Promise<number>;
  presenceDisconnect(...args: string[]): Promise<number>;
  presenceHeartbeat(...args: string[]): Promise<number>;
  presenceSweep(...args: (string | number)[]): Promise<string[]>;
  presenceRelease(...args: string[]): Promise<string[]>;
};

export class RedisPresence implements Presence {
  #listener: (userIds: string[]) => void = () => {};
  /** This instance's open connections (member → [user, connection]), to re-register after a sweep. */
  #local = new Map<string, [string, string]>();
  /** Connections whose removal failed (Redis down, timeout): removed again by the next tick. */
  #unremoved = new Map<string, [string, string]>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking = false;
  #failing = false;
  #closed = false;
  #redis: Scripted;

  private constructor(
    private readonly client: RoleClient,
    private readonly id: string,
    private readonly ttlMs: number,
  ) {
    this.#redis = client.redis as Scripted;
    for (const [name, script] of Object.entries(presenceScripts)) {
      this.#redis.defineCommand(name, script);
    }
  }

  /** Connects, announces this instance alive and starts its heartbeat and sweeper. */
  static async connect(
    url: string,
    options: RedisPresenceOptions,
  ): Promise<RedisPresence> {
    const heartbeatMs = options.heartbeatMs ?? 5_000;
    const ttlMs = options.instanceTtlMs ?? 15_000;
    if (!options.instanceId) {
      throw new ChatError(
        "bad_request",
        "Cannot start presence: instanceId is empty",
      );
    }
    if (!(heartbeatMs > 0 && ttlMs > heartbeatMs)) {
      throw new ChatError(
        "bad_request",
        "Cannot start presence: instanceTtlMs must exceed heartbeatMs > 0",
      );
    }
    const client = await openClient(url, "presence", options);
    const presence = new RedisPresence(client, options.instanceId, ttlMs);
    try {
      await presence.#heartbeat();
    } catch (err) {
      await client.close();
      throw unavailable("Cannot start presence", err);
    }
    presence.#timer = setInterval(() => presence.#tick(), heartbeatMs);
    return presence;
  }

  async connect(userId: string, connectionId: string): Promise<boolean> {
    const member = JSON.stringify([userId, connectionId]);
    this.#local.set(member, [userId, connectionId]);
    this.#unremoved.delete(member);
    try {
      return await this.#connect(userId, connectionId, member) === 1;
    } catch (err) {
      this.#local.delete(member);
      throw unavailable("Cannot record the connection", err);
    }
  }

  async disconnect(userId: string, connectionId: string): Promise<boolean> {
    const member = JSON.stringify([userId, connectionId]);
    this.#local.delete(member);
    try {
      return await this.#disconnect(userId, connectionId, member) === 1;
    } catch (err) {
      this.#unremoved.set(member, [userId, connectionId]);
      throw unavailable("Cannot remove the connection", err);
    }
  }

  async online(userIds: string[]): Promise<Set<string>> {
    const unique = [...new Set(userIds)];
    const found = new Set<string>();
    try {
      for (let i = 0; i < unique.length; i += onlineBatch) {
        const batch = unique.slice(i, i + onlineBatch);
        const pipeline = this.#redis.pipeline();
        for (const userId of batch) pipeline.exists(presenceKeys.user(userId));
        const results = await pipeline.exec() ?? [];
        results.forEach(([err, count], j) => {
          if (err) throw err;
          if (count === 1) found.add(batch[j]);
        });
      }
    } catch (err) {
      throw unavailable("Cannot read presence", err);
    }
    return found;
  }

  setExpiryListener(listener: (userIds: string[]) => void): void {
    this.#listener = listener;
  }

  /** Stops the heartbeat and forgets this instance's connections (no one is told). */
  async close(): Promise<void> {
    if (!this.#stop()) return;
    try {
      await this.#redis.presenceRelease(
        presenceKeys.conns(this.id),
        presenceKeys.alive(this.id),
        presenceKeys.instances,
        this.id,
        presenceKeys.userPrefix,
      );
    } catch (err) {
      log.warn(
        "presence.release_failed",
        "presence: could not release this instance; peers will expire it",
        { err },
      );
    } finally {
      await this.client.close();
    }
  }

  /** Stops as a crashed process would, leaving its connections for the peers' sweepers. */
  async abandon(): Promise<void> {
    if (this.#stop()) await this.client.close();
  }

  #stop(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#local.clear();
    this.#unremoved.clear();
    return true;
  }

  #connect(
    userId: string,
    connectionId: string,
    member: string,
  ): Promise<number> {
    return this.#redis.presenceConnect(
      presenceKeys.user(userId),
      presenceKeys.conns(this.id),
      presenceKeys.instances,
      connectionId,
      this.id,
      member,
    );
  }

  #disconnect(
    userId: string,
    connectionId: string,
    member: string,
  ): Promise<number> {
    return this.#redis.presenceDisconnect(
      presenceKeys.user(userId),
      presenceKeys.conns(this.id),
      connectionId,
      member,
    );
  }

  /**
   * Removes the connections whose disconnect failed. A timed-out removal may have been applied
   * anyway, so a user found with no connection left is reported (at worst a repeated offline).
   */
  async #retryRemovals(): Promise<string[]> {
    const offline: string[] = [];
    for (const [member, [userId, connectionId]] of [...this.#unremoved]) {
      await this.#disconnect(userId, connectionId, member);
      this.#unremoved.delete(member);
      const left = await this.#redis.exists(presenceKeys.user(userId));
      if (left === 0) offline.push(userId);
    }
    return offline;
  }

  async #tick(): Promise<void> {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    try {
      await this.#heartbeat();
      const offline = await this.#retryRemovals();
      const swept = await this.#redis.presenceSweep(
        presenceKeys.instances,
        presenceKeys.alivePrefix,
        presenceKeys.connsPrefix,
        presenceKeys.userPrefix,
        sweepBudget,
        this.id,
      );
      if (this.#failing) {
        log.warn(
          "presence.heartbeat_recovered",
          "presence: heartbeat recovered",
        );
      }
      this.#failing = false;
      offline.push(...swept);
      if (offline.length > 0) this.#report([...new Set(offline)]);
    } catch (err) {
      if (!this.#failing) {
        log.warn("presence.heartbeat_failed", "presence: heartbeat failed", {
          err,
        });
      }
      this.#failing = true;
    } finally {
      this.#ticking = false;
    }
  }

  /** Refreshes the liveness key; if it had expired, peers swept us: record our connections again. */
  async #heartbeat(): Promise<void> {
    const wasAlive = await this.#redis.presenceHeartbeat(
      presenceKeys.alive(this.id),
      presenceKeys.instances,
      this.id,
      String(this.ttlMs),
    );
    if (wasAlive === 1 || this.#local.size === 0) return;
    const again = [...this.#local].map(([member, [user, conn]]) =>
      this.#connect(user, conn, member)
    );
    await Promise.all(again);
  }

  #report(userIds: string[]): void {
    try {
      this.#listener(userIds);
    } catch (err) {
      log.error(
        "presence.listener_threw",
        "presence: expiry listener threw",
        { err },
      );
    }
  }
}
