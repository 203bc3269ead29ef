/**
 * The one gateway socket of the app: identifies, subscribes to every group with `since` after a
 * reconnect, keeps the heartbeat, reconnects with capped jittered backoff and resends unechoed
 * messages with their nonce. It never fetches over HTTP. Sockets and time are injected so the
 * whole life cycle runs in tests without a network or sleeping.
 */
import { CloseCode } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { ServerFrame } from "../protocol/server_frames.ts";
import {
  backoffDelay,
  type BackoffOptions,
  defaultBackoff,
} from "./backoff.ts";
import type { ChatModel } from "./chat_model.ts";
import type { Clock, TimerId } from "./clock.ts";
import type { OutgoingFrame } from "./outgoing_frames.ts";
import { parseServerFrame } from "./parse_server_frame.ts";

/** What a socket reports; the factory wires these to its transport. */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(code: number, reason: string): void;
}

/** The two things the client does to an open socket. */
export interface SocketConnection {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url` that reports to `handlers`. */
export type SocketFactory = (
  url: string,
  handlers: SocketHandlers,
) => SocketConnection;

/** Wiring and tuning of a SocketClient. */
export interface SocketClientOptions {
  url: string;
  model: ChatModel;
  createSocket: SocketFactory;
  clock: Clock;
  random?: () => number;
  /** Sent in `identify` when given; otherwise the session cookie must authenticate the socket. */
  token?: string;
  backoff?: BackoffOptions;
  /** How long a message may stay unechoed while disconnected before it shows as failed. */
  sendTimeoutMs?: number;
  /** Called once on close code 4001: the session is gone. */
  onUnauthorized?: () => void;
  /** Called on `resync`: the group's history must be loaded again over HTTP. */
  onResync?: (groupId: string) => void;
  /** Called after every frame the model applied (the controller watches for new members). */
  onFrame?: (frame: ServerFrame) => void;
}

/** Time allowed between opening a socket and its `ready` before giving up on it. */
const readyTimeoutMs = 15_000;

type TimerName = "reconnect" | "ping" | "watchdog";

/** Drives the gateway socket for a ChatModel. */
export class SocketClient {
  readonly #opts: SocketClientOptions;
  readonly #model: ChatModel;
  readonly #clock: Clock;
  readonly #backoff: BackoffOptions;
  #socket: SocketConnection | null = null;
  /** Bumped per socket so late events from a dropped socket are ignored. */
  #generation = 0;
  #ready = false;
  #everReady = false;
  #started = false;
  #online = true;
  #attempt = 0;
  #heartbeatMs = 0;
  readonly #timers: Record<TimerName, TimerId | null> = {
    reconnect: null,
    ping: null,
    watchdog: null,
  };
  /** One failure timer per unsent message while disconnected (bounded by the outbox). */
  readonly #sendTimers = new Map<string, TimerId>();

  constructor(options: SocketClientOptions) {
    this.#opts = options;
    this.#model = options.model;
    this.#clock = options.clock;
    this.#backoff = options.backoff ?? defaultBackoff;
  }

  /** Whether the socket is identified and frames can be sent. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Opens the socket (once). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Closes the socket for good and cancels every timer. */
  stop(): void {
    this.#started = false;
    this.#drop(CloseCode.normal, "client stopped");
    this.#clear("reconnect");
    for (const t of this.#sendTimers.values()) this.#clock.clearTimeout(t);
    this.#sendTimers.clear();
  }

  /** Skips the remaining backoff and reconnects now (a "retry now" button, tab shown again). */
  reconnectNow(): void {
    if (!this.#started || this.#socket || !this.#online) return;
    this.#clear("reconnect");
    this.#connect();
  }

  /** Tells the client whether the browser has a network; offline pauses reconnecting. */
  setNetworkOnline(online: boolean): void {
    if (this.#online === online) return;
    this.#online = online;
    if (!online && !this.#ready) {
      this.#clear("reconnect");
      this.#model.status.setConnection("offline", this.#attempt);
    }
    if (online) {
      this.#attempt = 0;
      this.reconnectNow();
    }
  }

  /** Sends a frame if the socket is ready; returns false (and drops it) otherwise. */
  send(frame: OutgoingFrame): boolean {
    if (!this.#ready || !this.#socket) return false;
    return this.#write(frame);
  }

  /** Subscribes to groups joined while connected (a reconnect subscribes to all anyway). */
  subscribe(groupIds: readonly string[]): void {
    for (let i = 0; i < groupIds.length; i += limits.maxGroupIdsPerFrame) {
      const ids = groupIds.slice(i, i + limits.maxGroupIdsPerFrame);
      this.send({ type: "subscribe", group_ids: ids });
    }
  }

  /** Sends an outbox entry now, or starts its failure timer when disconnected. */
  sendMessage(nonce: string): void {
    const entry = this.#model.outbox.get(nonce);
    if (!entry || entry.status !== "pending") return;
    const sent = this.send({
      type: "message",
      group_id: entry.group_id,
      text: entry.text,
      nonce: entry.nonce,
      ...(entry.attachment_ids
        ? { attachment_ids: [...entry.attachment_ids] }
        : {}),
      ...(entry.reply_to ? { reply_to: entry.reply_to } : {}),
    });
    if (!sent) this.#armSendTimer(nonce);
  }

  #connect(): void {
    const gen = ++this.#generation;
    const status = this.#everReady ? "reconnecting" : "connecting";
    this.#model.status.setConnection(
      this.#online ? status : "offline",
      this.#attempt,
    );
    const on = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => {
      if (gen === this.#generation) fn(...a);
    };
    try {
      this.#socket = this.#opts.createSocket(this.#opts.url, {
        open: on(() => this.#arm("watchdog", readyTimeoutMs)),
        message: on((data: string) => this.#onData(data)),
        close: on((code: number) => this.#onClose(code)),
      });
      this.#arm("watchdog", readyTimeoutMs);
    } catch {
      this.#onClose(1006);
    }
  }

  #onData(data: string): void {
    const frame = parseServerFrame(data);
    if (!frame) return;
    // Any frame proves the connection alive; silence for two heartbeats means it is not.
    if (this.#heartbeatMs) this.#arm("watchdog", this.#heartbeatMs * 2 + 5_000);
    switch (frame.type) {
      case "hello":
        this.#heartbeatMs = Math.min(
          Math.max(frame.heartbeat_interval_ms, 1_000),
          600_000,
        );
        this.#arm("watchdog", readyTimeoutMs);
        if (this.#opts.token) {
          this.#write({ type: "identify", token: this.#opts.token });
        }
        return;
      case "ready":
        return this.#onReady(frame);
      case "error":
        // Before ready, a cookie-only client told its session is gone has nothing to identify
        // with: stop now rather than wait for the identify deadline.
        if (
          !this.#ready && !this.#opts.token && frame.code === "unauthorized"
        ) {
          // Client close codes must be 1000 or 3000–4999; 4001 says why.
          return this.#drop(CloseCode.unauthorized, "session ended");
        }
        this.#model.applyFrame(frame);
        return this.#opts.onFrame?.(frame);
      case "pong":
        return;
      case "resync":
        this.#model.applyFrame(frame);
        return this.#opts.onResync?.(frame.group_id);
      default:
        this.#model.applyFrame(frame);
        return this.#opts.onFrame?.(frame);
    }
  }

  #onReady(frame: ServerFrame & { type: "ready" }): void {
    const model = this.#model;
    this.#ready = true;
    this.#everReady = true;
    this.#attempt = 0;
    model.applyFrame(frame);
    model.status.setConnection("connected");
    this.#arm("watchdog", (this.#heartbeatMs || 30_000) * 2 + 5_000);
    this.#schedulePing();
    // One subscribe for every group (split only past the per-frame limit), resuming each group
    // after the newest seq and event rev already seen, so the replay holds exactly what was
    // missed: new messages and (§4, `since_rev` wins) the edits, deletions and reactions too.
    const seen = model.lastSeqs();
    const revs = model.lastRevs();
    const ids = model.groups.value.map((g) => g.id);
    const pick = (chunk: string[], from: Record<string, number>) =>
      Object.fromEntries(
        chunk.filter((id) => id in from).map((id) => [id, from[id]]),
      );
    for (let i = 0; i < ids.length; i += limits.maxGroupIdsPerFrame) {
      const chunk = ids.slice(i, i + limits.maxGroupIdsPerFrame);
      const since = pick(chunk, seen);
      const sinceRev = pick(chunk, revs);
      this.#write({
        type: "subscribe",
        group_ids: chunk,
        ...(Object.keys(since).length ? { since } : {}),
        ...(Object.keys(sinceRev).length ? { since_rev: sinceRev } : {}),
      });
    }
    for (const t of this.#sendTimers.values()) this.#clock.clearTimeout(t);
    this.#sendTimers.clear();
    for (const entry of model.outbox.pending()) this.sendMessage(entry.nonce);
  }

  #onClose(code: number): void {
    this.#socket = null;
    this.#generation++;
    this.#ready = false;
    this.#clear("ping");
    this.#clear("watchdog");
    if (!this.#started) return;
    const model = this.#model;
    if (code === CloseCode.unauthorized) {
      this.#started = false;
      model.status.setConnection("unauthorized");
      this.#opts.onUnauthorized?.();
      return;
    }
    for (const entry of model.outbox.pending()) this.#armSendTimer(entry.nonce);
    if (!this.#online) {
      return model.status.setConnection("offline", this.#attempt);
    }
    let delay = backoffDelay(this.#attempt, this.#backoff, this.#opts.random);
    // Rate limited for too long, or the server says this client misbehaves: back off harder.
    if (code === CloseCode.rateLimited) delay = Math.max(delay, 10_000);
    if (code === CloseCode.protocolViolations) {
      delay = Math.max(delay, this.#backoff.maxMs);
    }
    this.#attempt++;
    model.status.setConnection("reconnecting", this.#attempt);
    this.#arm("reconnect", delay);
  }

  /** Closes the current socket without waiting for its close event (which may never come). */
  #drop(code: number, reason: string): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#generation++;
    try {
      socket.close(code, reason);
    } catch { /* already closed */ }
    this.#onClose(code);
  }

  #write(frame: OutgoingFrame): boolean {
    try {
      this.#socket?.send(JSON.stringify(frame));
      return !!this.#socket;
    } catch {
      return false;
    }
  }

  #schedulePing(): void {
    this.#arm("ping", this.#heartbeatMs || 30_000);
  }

  /** Starts a message's failure countdown; one already running is kept, not restarted. */
  #armSendTimer(nonce: string): void {
    const clock = this.#clock;
    // Each failed reconnect lands here again: restarting would postpone failure forever.
    if (this.#sendTimers.has(nonce)) return;
    this.#sendTimers.set(
      nonce,
      clock.setTimeout(() => {
        this.#sendTimers.delete(nonce);
        if (
          !this.#ready && this.#model.outbox.get(nonce)?.status === "pending"
        ) {
          this.#model.outbox.markFailed(nonce, "Not sent: no connection.");
        }
      }, this.#opts.sendTimeoutMs ?? 10_000),
    );
  }

  #arm(name: TimerName, ms: number): void {
    this.#clear(name);
    this.#timers[name] = this.#clock.setTimeout(() => {
      this.#timers[name] = null;
      if (name === "reconnect") this.#connect();
      else if (name === "watchdog") this.#drop(4000, "no frames from server");
      else if (this.#write({ type: "ping" })) this.#schedulePing();
    }, ms);
  }

  #clear(name: TimerName): void {
    const t = this.#timers[name];
    if (t !== null) this.#clock.clearTimeout(t);
    this.#timers[name] = null;
  }
}
