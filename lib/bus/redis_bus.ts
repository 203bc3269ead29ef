/**
 * The Redis bus: pub/sub fan-out across instances, seq and rev counters, idempotency records,
 * pending states, recovery buffers and the persistence hand-off, all in one Redis. Three
 * connections: commands, the one shared subscriber, and blocking hand-off reads (so a read that
 * waits never delays a command). The append scripts' arguments are `_redis_append_args.ts`.
 */
import type { Redis } from "ioredis";
import type { BusEvent, GroupEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { Message } from "../protocol/types.ts";
import {
  type AppendOutcome,
  backlogFull,
  type Bus,
  type BusListener,
  defaultHandoffMaxBacklog,
  type Floors,
  type HandoffEntry,
  type HandoffStats,
  type MessageDraft,
  type PendingStates,
  pendingStates,
  type UpdateDraft,
  type UpdateOutcome,
} from "./bus.ts";
import { busKeys } from "./_keys.ts";
import {
  openClient,
  type RedisClientSettings,
  type RoleClient,
  unavailable,
} from "./_redis_client.ts";
import { RedisHandoff, safeGroupEvent } from "./_redis_handoff.ts";
import { appendLua, persistedLua, updateLua } from "./_redis_scripts.ts";
import { RedisSubscriber } from "./_redis_subscriber.ts";
import { RedisPending } from "./_redis_pending.ts";
import { readHeadSeqs } from "./_redis_heads.ts";
import { appendArgs, updateArgs } from "./_redis_append_args.ts";

/** Options of the Redis bus; the connection settings default to the seed's. */
export interface RedisBusOptions extends RedisClientSettings {
  /** A hand-off entry left unacknowledged this long is given to the next reader (default 30 s). */
  claimIdleMs?: number;
  /**
   * Most messages waiting in the hand-off (default `defaultHandoffMaxBacklog`). Only reached when
   * the store has taken nothing for that many messages; `append` then refuses with `unavailable`.
   */
  handoffMaxBacklog?: number;
  /** A group's marked pending states are dropped this long after the first mark (tests). */
  markMaxAgeMs?: number;
  /** How often the sweep for such groups runs (tests). */
  sweepEveryMs?: number;
}

type AppendReply = [status: "appended" | "duplicate", json: string] | [
  status: "need_floor" | "conflict" | "backlog_full",
  json?: undefined,
];
type ScriptedRedis = Redis & {
  salviorisAppend(...args: (string | number)[]): Promise<AppendReply>;
  salviorisUpdate(...args: (string | number)[]): Promise<AppendReply>;
  salviorisPersisted(...args: (string | number)[]): Promise<number>;
};

export class RedisBus implements Bus {
  #closed = false;
  #cmd: ScriptedRedis;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #handoff: RedisHandoff;
  #subscriber: RedisSubscriber;
  #pending: RedisPending;
  #maxBacklog: number;

  private constructor(
    private readonly commands: RoleClient,
    private readonly subscriber: RoleClient,
    private readonly blocking: RoleClient,
    private readonly options: RedisBusOptions,
  ) {
    this.#cmd = commands.redis as ScriptedRedis;
    this.#maxBacklog = options.handoffMaxBacklog ?? defaultHandoffMaxBacklog;
    this.#cmd.defineCommand("salviorisAppend", {
      numberOfKeys: 7,
      lua: appendLua,
    });
    this.#cmd.defineCommand("salviorisUpdate", {
      numberOfKeys: 8,
      lua: updateLua,
    });
    this.#cmd.defineCommand("salviorisPersisted", {
      numberOfKeys: 4,
      lua: persistedLua,
    });
    this.#pending = new RedisPending(this.#cmd);
    this.#handoff = new RedisHandoff(
      commands.redis,
      blocking.redis,
      options.claimIdleMs ?? 30_000,
    );
    // The hand-off group is gone if Redis restarted empty.
    commands.redis.on(
      "ready",
      () => this.#handoff.ensureGroup().catch(() => {}),
    );
    this.#subscriber = new RedisSubscriber(subscriber.redis, {
      headRev: (groupId) => this.headRev(groupId),
      recent: (groupId, afterRev) => this.recent(groupId, afterRev),
    });
  }

  /** Connects the three clients and prepares the hand-off; throws `unavailable` when it cannot. */
  static async connect(
    url: string,
    options: RedisBusOptions = {},
  ): Promise<RedisBus> {
    const opened: RoleClient[] = [];
    try {
      for (const role of ["bus", "bus-subscriber", "bus-handoff"]) {
        opened.push(
          await openClient(url, role, options, {
            blocking: role === "bus-handoff",
          }),
        );
      }
      const bus = new RedisBus(opened[0], opened[1], opened[2], options);
      await bus.#handoff.ensureGroup();
      await bus.#handoff.pruneConsumers();
      // Quiet groups keep no pending states: their marks are dropped by age (see `bus.ts`).
      bus.#sweeper = setInterval(() => {
        bus.#sweep().catch(
          () => {/* Redis is down: the next sweep tries again */},
        );
      }, options.sweepEveryMs ?? pendingStates.sweepEveryMs);
      return bus;
    } catch (err) {
      await Promise.all(opened.map((client) => client.close()));
      throw unavailable("Cannot open the Redis bus", err);
    }
  }

  async append(
    draft: MessageDraft,
    floors: Floors = {},
  ): Promise<AppendOutcome> {
    const args = appendArgs(draft, floors, this.#maxBacklog);
    const reply = await this.#run(
      "append the message",
      () => this.#cmd.salviorisAppend(...args),
    );
    if (reply[0] === "need_floor") return { status: "need_floor" };
    if (reply[0] === "backlog_full") throw backlogFull();
    if (reply[0] === "conflict") throw new Error("append cannot conflict");
    return { status: reply[0], message: JSON.parse(reply[1]!) as Message };
  }

  async appendUpdate(
    draft: UpdateDraft,
    floors: Floors = {},
  ): Promise<UpdateOutcome> {
    const args = updateArgs(draft, floors, this.#maxBacklog);
    const reply = await this.#run(
      "append the change",
      () => this.#cmd.salviorisUpdate(...args),
    );
    if (reply[0] === "backlog_full") throw backlogFull();
    if (reply[0] === "need_floor" || reply[0] === "conflict") {
      return { status: reply[0] };
    }
    return { status: "appended", message: JSON.parse(reply[1]!) as Message };
  }

  pendingStates(groupId: string, seqs: number[]): Promise<PendingStates> {
    return this.#run(
      "read pending states",
      () => this.#pending.read(groupId, seqs),
    );
  }

  async markPersisted(
    groupId: string,
    persisted: Array<{ seq: number; rev: number }>,
  ): Promise<void> {
    if (persisted.length === 0) return;
    await this.#run(
      "mark states persisted",
      () => this.#pending.markPersisted(groupId, persisted),
    );
  }

  /** Drops the marks of groups whose first mark is older than `maxMarkAgeMs` (Redis's clock). */
  async #sweep(): Promise<void> {
    const [seconds, micros] = await this.#cmd.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const groups = await this.#cmd.zrangebyscore(
      busKeys.markedGroups,
      "-inf",
      now - (this.options.markMaxAgeMs ?? pendingStates.maxMarkAgeMs),
      "LIMIT",
      0,
      pendingStates.sweepGroups,
    );
    for (const groupId of groups) await this.#pending.persisted(groupId, 0, []);
  }

  async #run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ChatError) throw err;
      throw unavailable(`Cannot ${what}`, err);
    }
  }

  async publish(topic: string, event: BusEvent): Promise<void> {
    try {
      await this.#cmd.publish(topic, JSON.stringify(event));
    } catch (err) {
      throw unavailable("Cannot publish", err);
    }
  }

  subscribe(topic: string): Promise<void> {
    return this.#subscriber.subscribe(topic);
  }

  unsubscribe(topic: string): Promise<void> {
    return this.#subscriber.unsubscribe(topic);
  }

  setListener(listener: BusListener): void {
    this.#subscriber.listener = listener;
  }

  setResumeListener(listener: () => void): void {
    this.#subscriber.onResume = listener;
  }

  async recent(groupId: string, afterRev: number): Promise<GroupEvent[]> {
    const after = Number.isFinite(afterRev) ? Math.floor(afterRev) : 0;
    const raw = await this.#run(
      "read the recovery buffer",
      () =>
        this.#cmd.zrangebyscore(busKeys.recent(groupId), `(${after}`, "+inf"),
    );
    // A buffered entry that does not parse is skipped; the caller's contiguity check notices.
    return raw.map(safeGroupEvent).filter((e): e is GroupEvent => e !== null);
  }

  async headSeq(groupId: string): Promise<number | null> {
    const value = await this.#run(
      "read the seq counter",
      () => this.#cmd.get(busKeys.seq(groupId)),
    );
    return value === null ? null : Number(value);
  }

  headSeqs(groupIds: string[]): Promise<Map<string, number>> {
    return this.#run(
      "read the seq counters",
      () => readHeadSeqs(this.#cmd, groupIds),
    );
  }

  async headRev(groupId: string): Promise<number | null> {
    const value = await this.#run(
      "read the rev counter",
      () => this.#cmd.get(busKeys.rev(groupId)),
    );
    return value === null ? null : Number(value);
  }

  async readHandoff(
    consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]> {
    if (this.#closed) return [];
    try {
      return await this.#handoff.read(consumer, max, blockMs);
    } catch (err) {
      if (this.#closed) return []; // close() cut the blocking read: that is its wake-up
      throw unavailable("Cannot read the hand-off", err);
    }
  }

  async ackHandoff(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.#handoff.ack(ids);
    } catch (err) {
      throw err instanceof ChatError
        ? err
        : unavailable("Cannot acknowledge the hand-off", err);
    }
  }

  async healthy(): Promise<boolean> {
    if (this.#closed) return false;
    // Each client reconnects on its own: the bus is whole only when all three are back.
    const clients = [this.commands, this.subscriber, this.blocking];
    if (clients.some((client) => client.redis.status !== "ready")) return false;
    try {
      return await this.#cmd.ping() === "PONG";
    } catch {
      return false;
    }
  }

  async handoffStats(): Promise<HandoffStats> {
    try {
      return await this.#handoff.stats();
    } catch (err) {
      throw unavailable("Cannot read the hand-off", err);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#subscriber.clear();
    await Promise.all([
      this.blocking.close(),
      this.subscriber.close(),
      this.commands.close(),
    ]);
  }
}
