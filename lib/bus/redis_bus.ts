/**
 * The Redis bus: pub/sub fan-out across instances, seq counters, idempotency records, recovery
 * buffers and the persistence hand-off, all in one Redis. Three connections: commands, the one
 * shared subscriber, and blocking hand-off reads (so a read that waits never delays a command).
 */
import type { Redis } from "ioredis";
import { type BusEvent, messageSchema } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";
import {
  type AppendOutcome,
  backlogFull,
  type Bus,
  type BusListener,
  defaultHandoffMaxBacklog,
  type HandoffEntry,
  type MessageDraft,
  recoveryBuffer,
} from "./bus.ts";
import { topics } from "./topics.ts";
import { busKeys } from "./_keys.ts";
import {
  openClient,
  type RedisClientSettings,
  type RoleClient,
  unavailable,
} from "./_redis_client.ts";
import { RedisHandoff, safeMessage } from "./_redis_handoff.ts";
import { appendLua } from "./_redis_scripts.ts";
import { RedisSubscriber } from "./_redis_subscriber.ts";

/** Options of the Redis bus; the connection settings default to the seed's. */
export interface RedisBusOptions extends RedisClientSettings {
  /** A hand-off entry left unacknowledged this long is given to the next reader (default 30 s). */
  claimIdleMs?: number;
  /**
   * Most messages waiting in the hand-off (default `defaultHandoffMaxBacklog`). Only reached when
   * the store has taken nothing for that many messages; `append` then refuses with `unavailable`.
   */
  handoffMaxBacklog?: number;
}

type AppendReply =
  | [status: "appended" | "duplicate", json: string]
  | [status: "need_floor"]
  | [status: "backlog_full"];
type ScriptedRedis = Redis & {
  salviorisAppend(...args: (string | number)[]): Promise<AppendReply>;
};

export class RedisBus implements Bus {
  #closed = false;
  #cmd: ScriptedRedis;
  #handoff: RedisHandoff;
  #subscriber: RedisSubscriber;

  private constructor(
    private readonly commands: RoleClient,
    private readonly subscriber: RoleClient,
    private readonly blocking: RoleClient,
    private readonly options: RedisBusOptions,
  ) {
    this.#cmd = commands.redis as ScriptedRedis;
    this.#cmd.defineCommand("salviorisAppend", {
      numberOfKeys: 4,
      lua: appendLua,
    });
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
      headSeq: (groupId) => this.headSeq(groupId),
      recent: (groupId, afterSeq) => this.recent(groupId, afterSeq),
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
      return bus;
    } catch (err) {
      await Promise.all(opened.map((client) => client.close()));
      throw unavailable("Cannot open the Redis bus", err);
    }
  }

  async append(
    draft: MessageDraft,
    options: { floorSeq?: number } = {},
  ): Promise<AppendOutcome> {
    const floor = options.floorSeq;
    if (floor !== undefined && !(Number.isSafeInteger(floor) && floor >= 0)) {
      throw new ChatError(
        "bad_request",
        `Cannot append: floorSeq ${floor} is not a seq`,
      );
    }
    const fields = {
      id: draft.id,
      group_id: draft.group_id,
      author: { id: draft.author.id, username: draft.author.username },
      text: draft.text,
      created_at: draft.created_at,
      nonce: draft.nonce,
      ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
    };
    // Every subscriber parses what it receives: a message it would drop must not get a seq.
    const check = messageSchema.safeParse({ ...fields, seq: 1 });
    if (!check.success) {
      throw new ChatError(
        "bad_request",
        `Cannot append: ${check.error.issues[0]?.message}`,
      );
    }
    let reply: AppendReply;
    try {
      reply = await this.#cmd.salviorisAppend(
        busKeys.seq(draft.group_id),
        busKeys.recent(draft.group_id),
        busKeys.nonce(draft.group_id, draft.author.id, draft.nonce ?? ""),
        busKeys.handoff,
        JSON.stringify(fields),
        floor === undefined ? "" : String(floor),
        draft.nonce === null ? "" : String(limits.nonceTtlMs),
        recoveryBuffer.maxMessages,
        recoveryBuffer.maxAgeMs,
        topics.group(draft.group_id),
        JSON.stringify(draft.group_id),
        this.options.handoffMaxBacklog ?? defaultHandoffMaxBacklog,
      );
    } catch (err) {
      throw unavailable("Cannot append the message", err);
    }
    if (reply[0] === "need_floor") return { status: "need_floor" };
    if (reply[0] === "backlog_full") throw backlogFull();
    return { status: reply[0], message: JSON.parse(reply[1]) as Message };
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

  async recent(groupId: string, afterSeq: number): Promise<Message[]> {
    const after = Number.isFinite(afterSeq) ? Math.floor(afterSeq) : 0;
    let raw: string[];
    try {
      raw = await this.#cmd.zrangebyscore(
        busKeys.recent(groupId),
        `(${after}`,
        "+inf",
      );
    } catch (err) {
      throw unavailable("Cannot read the recovery buffer", err);
    }
    // A buffered entry that does not parse is skipped; the caller's contiguity check notices.
    return raw.map(safeMessage).filter((m): m is Message => m !== null);
  }

  async headSeq(groupId: string): Promise<number | null> {
    try {
      const value = await this.#cmd.get(busKeys.seq(groupId));
      return value === null ? null : Number(value);
    } catch (err) {
      throw unavailable("Cannot read the seq counter", err);
    }
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

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriber.clear();
    await Promise.all([
      this.blocking.close(),
      this.subscriber.close(),
      this.commands.close(),
    ]);
  }
}
