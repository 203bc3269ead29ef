/**
 * A test client that behaves as PROTOCOL.md §2.5 asks: it sends messages one after another, each
 * with its own nonce, and waits for each echo; when its socket dies it reconnects to the next
 * instance, resumes with `subscribe` + `since` (its last seen seq), and sends again, with the same
 * nonce, the message it saw no echo for. It keeps every message frame it received, so a test can
 * check that its view of the group is 1..N with no gap and no duplicate across reconnects.
 */
import { type Frame, GatewayClient } from "./gateway_client.ts";

/** Most retries of one message before the sender gives up. */
const maxAttempts = 20;
/** Pause between two attempts to reconnect. */
const resumeDelayMs = 50;

export interface ResumingSenderOptions {
  name: string;
  token: string;
  userId: string;
  groupId: string;
  /** The gateway URLs it may use, the first one first. */
  wsUrls: string[];
  /** Called with every message frame it receives (for "echoed to anyone"). */
  onMessage?: (frame: Frame) => void;
  /** How long it keeps trying to reconnect (default 5 s). */
  resumeWithinMs?: number;
}

export class ResumingSender {
  /** Every socket it used, in order. */
  readonly sockets: GatewayClient[] = [];
  /** How many times it resumed on another instance. */
  resumes = 0;
  #url = 0;
  /** Messages sent so far over every `send` call: numbers its nonces uniquely. */
  #sent = 0;
  #pending: string | null = null;

  constructor(private readonly options: ResumingSenderOptions) {}

  /** The seqs of every message frame received, over all its sockets, in arrival order. */
  get seqs(): number[] {
    return this.messages.map((f) => f.message.seq);
  }

  /** Every message frame of the group received, over all its sockets. */
  get messages(): Frame[] {
    return this.sockets.flatMap((s) =>
      s.received.filter((f) =>
        f.type === "message" && f.group_id === this.options.groupId
      )
    );
  }

  get lastSeq(): number {
    return this.seqs.at(-1) ?? 0;
  }

  /** Opens its first socket and subscribes (no `since`: it has seen nothing). */
  async start(): Promise<void> {
    await this.#open(undefined);
  }

  /** The nonce sent and not echoed yet, or null between messages. */
  get pendingNonce(): string | null {
    return this.#pending;
  }

  /**
   * Sends `count` messages, one after another, each once its predecessor was echoed. Messages
   * are numbered across calls, so every nonce of a sender is unique.
   */
  async send(
    count: number,
    textOf = (n: number) => `${this.options.name} ${n}`,
  ) {
    for (let i = 0; i < count; i++) {
      const n = this.#sent++;
      const nonce = `${this.options.name}-${n}`;
      this.#pending = nonce;
      await this.#sendOne(nonce, textOf(n));
      this.#pending = null;
    }
  }

  /** Waits until it has received `seq` (its view reached the head). */
  async waitForSeq(seq: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeq < seq) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.options.name}: no seq ${seq} in time`);
      }
      await this.#socket.next(
        (f) => f.type === "message" && f.message.seq >= seq,
        left,
      );
    }
  }

  /** Closes its current socket. */
  async close(): Promise<void> {
    await this.sockets.at(-1)?.close();
  }

  get #socket(): GatewayClient {
    return this.sockets.at(-1)!;
  }

  async #sendOne(nonce: string, text: string): Promise<void> {
    const { groupId } = this.options;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.#echoed(nonce)) return;
      const socket = this.#socket;
      socket.send({ type: "message", group_id: groupId, text, nonce });
      const outcome = await Promise.race([
        socket.next((f) =>
          (f.type === "message" && f.message.nonce === nonce &&
            f.message.author.id === this.options.userId) ||
          (f.type === "error" && f.nonce === nonce)
        ).catch((err): Frame => ({ type: "timeout", err: String(err) })),
        socket.closed.then(() => ({ type: "closed" } as Frame)),
      ]);
      if (outcome.type === "message") return;
      if (outcome.type === "closed") {
        // §2.5: reconnect elsewhere, resume, and resend only if the replay lacks it.
        await this.resume();
        continue;
      }
      if (outcome.type === "error" && outcome.code === "rate_limited") {
        await delay(outcome.retry_after_ms ?? 100);
        continue;
      }
      throw new Error(
        `${this.options.name}: ${nonce} got ${JSON.stringify(outcome)}`,
      );
    }
    throw new Error(`${this.options.name}: ${nonce} never echoed`);
  }

  #echoed(nonce: string): boolean {
    return this.messages.some((f) =>
      f.message.nonce === nonce && f.message.author.id === this.options.userId
    );
  }

  /**
   * Opens a new socket on the next URL (they are read afresh, so a test may replace one with a
   * restarted instance's) and resumes from its last seen seq.
   */
  async resume(): Promise<void> {
    const deadline = Date.now() + (this.options.resumeWithinMs ?? 5_000);
    let last: unknown;
    while (Date.now() < deadline) {
      this.#url = (this.#url + 1) % this.options.wsUrls.length;
      try {
        await this.#open(this.lastSeq);
        this.resumes++;
        return;
      } catch (err) {
        // That instance is the dead one (or is going): try the next.
        last = err;
        await delay(resumeDelayMs);
      }
    }
    throw new Error(`${this.options.name}: could not resume: ${last}`);
  }

  async #open(since: number | undefined): Promise<void> {
    const { groupId, token } = this.options;
    const socket = await GatewayClient.connect(
      this.options.wsUrls[this.#url],
      { token },
    );
    socket.send({
      type: "subscribe",
      group_ids: [groupId],
      ...(since === undefined ? {} : { since: { [groupId]: since } }),
    });
    const answer = await Promise.race([
      socket.next((f) => f.type === "subscribed" || f.type === "error"),
      socket.closed.then(() => ({ type: "closed" } as Frame)),
    ]);
    if (answer.type !== "subscribed") {
      await socket.close();
      throw new Error(`subscribe failed: ${JSON.stringify(answer)}`);
    }
    const seen = this.options.onMessage;
    if (seen) {
      socket.received.filter((f) => f.type === "message").forEach(seen);
      socket.observers.add((f) => f.type === "message" && seen(f));
    }
    this.sockets.push(socket);
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
