/**
 * One client socket: its identity, its per-group streams, typing state, rate limits and the
 * bounded send path. It holds no knowledge of other sockets; the hub does.
 */
import type { Caller } from "../lib/core/accounts.ts";
import { type ChatError, CloseCode } from "../lib/protocol/errors.ts";
import type { ServerFrame } from "../lib/protocol/server_frames.ts";
import type { RateSettings } from "./context.ts";
import type { GroupStream, GroupStreamSink } from "./group_stream.ts";
import { TokenBucket, WindowCounter } from "../lib/core/rate_limit.ts";
import { TypingTracker } from "./typing.ts";
import { limits } from "../lib/protocol/limits.ts";
import { framesSent, metrics } from "../lib/metrics/metrics.ts";

/** The part of a WebSocket a connection uses (Deno's WebSocket fits). */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionOptions {
  id: string;
  socket: SocketLike;
  now: () => number;
  rates: RateSettings;
}

/** Bytes queued to a client before it counts as too slow and is disconnected. */
export const maxBufferedBytes = 4 * 1024 * 1024;
/** Queued bytes above which a replay waits (a quarter of the limit, so live events fit too). */
export const replayHighWaterBytes = maxBufferedBytes / 4;
/** A replay waiting this long without the queue shrinking at all: the client stopped reading. */
const replayStallMs = 30_000;
const pollMs = 10;

/**
 * Characters sent between two readings of the socket's `bufferedAmount`. Each reading is a call
 * into the runtime, which per frame cost as much as the send itself; read every 64 Ki characters
 * (≤ 192 KiB of UTF-8), a queue is still cut off within 4.2 MiB.
 */
export const bufferCheckChars = 64 * 1024;

const OPEN = 1;

/** A socket is the sink of its own group streams: they share it rather than each hold closures. */
export class Connection implements GroupStreamSink {
  readonly id: string;
  readonly openedAt: number;
  lastFrameAt: number;
  caller: Caller | null = null;
  /** Groups this socket listens to, each with its ordered message stream. */
  readonly streams = new Map<string, GroupStream>();
  readonly frameLimit: TokenBucket;
  // Created on first use: most sockets never send a message, type, misbehave or hit a limit, and
  // an idle instance holds tens of thousands of sockets. A bucket made late starts full, as one
  // made at open would be by then: the budget is the same.
  #messageLimit: TokenBucket | null = null;
  #typing: TypingTracker | null = null;
  #violations: WindowCounter | null = null;
  #rejections: WindowCounter | null = null;
  #socket: SocketLike;
  #closed = false;
  /** Set once an identity is being established (cookie or `identify`): one socket, one user. */
  #identityClaimed = false;
  #now: () => number;
  #rates: RateSettings;
  /** Characters sent since `bufferedAmount` was last read. */
  #unchecked = 0;

  constructor(options: ConnectionOptions) {
    const { now, rates } = options;
    this.id = options.id;
    this.#socket = options.socket;
    this.#now = now;
    this.#rates = rates;
    this.openedAt = this.lastFrameAt = now();
    this.frameLimit = new TokenBucket(
      rates.framesBurst,
      rates.framesPerSec,
      now,
    );
  }

  /** This socket's `message` budget. */
  get messageLimit(): TokenBucket {
    return this.#messageLimit ??= new TokenBucket(
      this.#rates.messagesBurst,
      this.#rates.messagesPerSec,
      this.#now,
    );
  }

  /** This socket's typing states. */
  get typing(): TypingTracker {
    return this.#typing ??= new TypingTracker(limits.typingTtlMs, 3_000);
  }

  /** Ends typing in a group; true when it was typing (a stop should be published). */
  stopTyping(groupId: string): boolean {
    return this.#typing?.stop(groupId) ?? false;
  }

  /** Removes and answers the groups whose typing state expired (none if it never typed). */
  expireTyping(now: number): string[] {
    return this.#typing?.expire(now) ?? [];
  }

  /** Removes and answers every group still typing (the socket is closing). */
  clearTyping(): string[] {
    return this.#typing?.clear() ?? [];
  }

  /** Bad frames in the last minute; too many close the socket with 4002. */
  get violations(): WindowCounter {
    return this.#violations ??= new WindowCounter(10, 60_000, this.#now);
  }

  /** Rate-limited frames in the last 10 s; too many close the socket with 4008. */
  get rejections(): WindowCounter {
    return this.#rejections ??= new WindowCounter(50, 10_000, this.#now);
  }

  get userId(): string | null {
    return this.caller?.user.id ?? null;
  }

  /**
   * Claims the socket's one identity, synchronously, before any await: a second `identify`
   * (also one racing the cookie's `ready`) then finds it taken. False when it was taken already.
   */
  claimIdentity(): boolean {
    if (this.#identityClaimed) return false;
    this.#identityClaimed = true;
    return true;
  }

  /** Gives the claim back when identifying failed before `ready`, so the client may retry. */
  releaseIdentity(): void {
    if (!this.caller) this.#identityClaimed = false;
  }

  get closed(): boolean {
    return this.#closed || this.#socket.readyState !== OPEN;
  }

  /** Sends one frame. */
  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Sends pre-serialised text; a client that cannot keep up is disconnected, never buffered. */
  sendText(text: string): void {
    // Only our own flag, not the socket's `readyState` (a branded runtime getter, 5 % of the
    // main thread at 20k deliveries/s): Deno drops what is sent on a socket the peer has closed,
    // and that socket's close event closes this connection right after.
    if (this.#closed) return;
    this.#unchecked += text.length;
    if (this.#unchecked >= bufferCheckChars) {
      this.#unchecked = 0;
      if (this.#socket.bufferedAmount > maxBufferedBytes) {
        this.close(
          CloseCode.tooSlow,
          "Send queue overflow: the client reads too slowly",
        );
        return;
      }
    }
    try {
      this.#socket.send(text);
      framesSent.count++;
    } catch {
      this.close(CloseCode.goingAway, "Send failed");
    }
  }

  /**
   * Replay pacing: null when the send queue is below the high-water mark, else a promise that
   * settles once it is (or the socket closed). Deno's WebSocket has no drain event, so the queue
   * is polled; a client whose queue does not shrink for 30 s is closed as too slow (4003).
   */
  room(): Promise<void> | null {
    if (this.closed || this.#socket.bufferedAmount <= replayHighWaterBytes) {
      return null;
    }
    return new Promise((resolve) => {
      let lowest = this.#socket.bufferedAmount;
      let progressAt = this.#now();
      const check = () => {
        const queued = this.#socket.bufferedAmount;
        if (this.closed || queued <= replayHighWaterBytes) return resolve();
        if (queued < lowest) {
          lowest = queued;
          progressAt = this.#now();
        } else if (this.#now() - progressAt > replayStallMs) {
          this.close(CloseCode.tooSlow, "The client stopped reading");
          return resolve();
        }
        setTimeout(check, pollMs);
      };
      setTimeout(check, pollMs);
    });
  }

  /** Tells the client to reload a group over HTTP (its stream could not be caught up). */
  resync(groupId: string): void {
    this.send({ type: "resync", group_id: groupId });
  }

  /** Stops delivering a group's messages to this socket. */
  endStream(groupId: string): void {
    this.streams.get(groupId)?.close();
    this.streams.delete(groupId);
  }

  /** The login session behind this socket ended: say so and close with 4001. */
  endSession(message = "Logged out"): void {
    this.send({ type: "error", code: "unauthorized", message });
    this.close(CloseCode.unauthorized, message);
  }

  /** Sends an `error` frame for a ChatError, echoing the frame's ref. */
  sendError(error: ChatError, ref?: string): void {
    this.send({
      type: "error",
      code: error.code,
      message: error.message,
      ...(ref === undefined ? {} : { ref }),
      ...error.details,
    });
  }

  /**
   * Closes the socket once. With `whenQuiet`, the close frame waits (≤ 1 s) until the client has
   * sent nothing for 100 ms: Deno aborts a socket that receives data after sending its close
   * frame, and the client would see 1006 instead of the code meant for it.
   */
  close(
    code: number,
    reason: string,
    options: { whenQuiet?: boolean } = {},
  ): void {
    if (this.#closed) return;
    this.#closed = true;
    metrics.socketCloses.inc({ code: String(code) });
    for (const stream of this.streams.values()) stream.close();
    const closeNow = () => {
      try {
        this.#socket.close(code, reason.slice(0, 120));
      } catch {
        // already closing
      }
    };
    if (!options.whenQuiet) return closeNow();
    const giveUpAt = this.#now() + 1000;
    const check = () => {
      const now = this.#now();
      if (now - this.lastFrameAt >= 100 || now >= giveUpAt) closeNow();
      else setTimeout(check, 50);
    };
    check();
  }
}
