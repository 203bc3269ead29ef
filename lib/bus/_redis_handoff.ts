/**
 * The persistence hand-off of the Redis bus: a stream read through one consumer group. Entries
 * stay pending until acknowledged; those a consumer left pending longer than `claimIdleMs`
 * (it died, or its store write failed) are claimed by the next consumer that reads.
 */
import type { Redis } from "ioredis";
import {
  eventRefSchema,
  groupEventSchema,
  messageSchema,
} from "../protocol/bus_events.ts";
import type { GroupEvent } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import type { HandoffEntry } from "./bus.ts";
import { busKeys } from "./_keys.ts";
import type { Message } from "../protocol/types.ts";

/** Most entries one read returns or one acknowledgement takes. */
export const maxHandoffBatch = 1000;
/** Longest wait of one blocking read. */
const maxBlockMs = 60_000;
/** A consumer with nothing pending and idle this long is forgotten by the group. */
const consumerIdleLimitMs = 60 * 60 * 1000;
const entryId = /^\d+-\d+$/;

type RawEntry = [id: string, fields: string[]] | null;

/** Reads and acknowledges hand-off entries; `blocking` is a client only blocking reads use. */
export class RedisHandoff {
  constructor(
    private readonly cmd: Redis,
    private readonly blocking: Redis,
    private readonly claimIdleMs: number,
  ) {}

  /** Creates the stream and its group if missing (at connect, and after Redis lost its data). */
  async ensureGroup(): Promise<void> {
    try {
      // From "0" so entries appended before the group existed are delivered too.
      await this.cmd.call(
        "XGROUP",
        "CREATE",
        busKeys.handoff,
        busKeys.handoffGroup,
        "0",
        "MKSTREAM",
      );
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("BUSYGROUP"))) {
        throw err;
      }
    }
  }

  /** Forgets consumers that hold nothing and have been idle long, so the group stays bounded. */
  async pruneConsumers(): Promise<void> {
    const consumers = await this.cmd.call(
      "XINFO",
      "CONSUMERS",
      busKeys.handoff,
      busKeys.handoffGroup,
    ) as unknown[][];
    for (const info of consumers.slice(0, maxHandoffBatch)) {
      const fields = new Map<unknown, unknown>();
      for (let i = 0; i + 1 < info.length; i += 2) {
        fields.set(info[i], info[i + 1]);
      }
      if (
        fields.get("pending") === 0 &&
        Number(fields.get("idle")) > consumerIdleLimitMs
      ) {
        await this.cmd.call(
          "XGROUP",
          "DELCONSUMER",
          busKeys.handoff,
          busKeys.handoffGroup,
          String(fields.get("name")),
        );
      }
    }
  }

  /** Claims entries idle too long first, then reads new ones, waiting up to `blockMs`. */
  async read(
    consumer: string,
    max: number,
    blockMs: number,
  ): Promise<HandoffEntry[]> {
    if (consumer.length === 0) {
      throw new ChatError(
        "bad_request",
        "Cannot read the hand-off: consumer is empty",
      );
    }
    const count = Math.max(1, Math.min(maxHandoffBatch, Math.floor(max) || 1));
    try {
      return await this.#read(consumer, count, blockMs);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("NOGROUP"))) {
        throw err;
      }
      // Redis restarted empty (or the stream was deleted): recreate the group and read again.
      await this.ensureGroup();
      return await this.#read(consumer, count, blockMs);
    }
  }

  async #read(
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<HandoffEntry[]> {
    const claimed = await this.cmd.call(
      "XAUTOCLAIM",
      busKeys.handoff,
      busKeys.handoffGroup,
      consumer,
      this.claimIdleMs,
      "0-0",
      "COUNT",
      count,
    ) as [string, RawEntry[], string[]?];
    const fromClaim = await this.#entries(claimed[1]);
    if (fromClaim.length > 0) return fromClaim;

    const args: (string | number)[] = [
      "GROUP",
      busKeys.handoffGroup,
      consumer,
      "COUNT",
      count,
    ];
    const wait = Math.min(maxBlockMs, Math.floor(blockMs));
    if (wait > 0) args.push("BLOCK", wait);
    args.push("STREAMS", busKeys.handoff, ">");
    const read = await this.blocking.call("XREADGROUP", ...args) as [
      string,
      RawEntry[],
    ][] | null;
    return await this.#entries(read?.[0]?.[1] ?? []);
  }

  /** Acknowledges entries and deletes them from the stream, so it holds only pending work. */
  async ack(ids: string[]): Promise<void> {
    const bad = ids.find((id) => !entryId.test(id));
    if (bad !== undefined) {
      throw new ChatError(
        "bad_request",
        `Cannot acknowledge "${bad}": not a hand-off entry id`,
      );
    }
    for (let i = 0; i < ids.length; i += maxHandoffBatch) {
      const batch = ids.slice(i, i + maxHandoffBatch);
      const results = await this.cmd.multi()
        .xack(busKeys.handoff, busKeys.handoffGroup, ...batch)
        .xdel(busKeys.handoff, ...batch)
        .exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) {
        throw failed?.[0] ?? new Error("transaction aborted");
      }
    }
  }

  /** Parses raw entries; one that does not hold a valid message is dropped for good. */
  async #entries(raw: RawEntry[]): Promise<HandoffEntry[]> {
    const entries: HandoffEntry[] = [];
    const poison: string[] = [];
    for (const entry of raw) {
      if (!entry) continue; // deleted while pending (Redis < 7 lists those as nil)
      const [id, fields] = entry;
      const at = fields.indexOf("event");
      const json = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
      const parsed = json === undefined
        ? null
        : safeParse(json, eventRefSchema);
      if (parsed) entries.push({ id, event: parsed });
      else poison.push(id);
    }
    if (poison.length > 0) {
      console.warn(
        `bus: dropped ${poison.length} hand-off entries that hold no valid event`,
      );
      await this.ack(poison);
    }
    return entries;
  }
}

/** JSON the bus stored, parsed with `schema`, or null when it is not valid. */
function safeParse<T>(
  json: string,
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false };
  },
): T | null {
  try {
    const result = schema.safeParse(JSON.parse(json));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** A message state parsed from JSON the bus stored, or null when it is not one. */
export function safeMessage(json: string): Message | null {
  return safeParse(json, messageSchema);
}

/** A buffered group event parsed from JSON the bus stored, or null when it is not one. */
export function safeGroupEvent(json: string): GroupEvent | null {
  return safeParse(json, groupEventSchema) as GroupEvent | null;
}
