/**
 * One socket's stream of one group's messages: strictly increasing seq, no duplicate, no silent
 * gap. While the stream catches up (the `since` replay at subscribe, or a gap seen live), live
 * messages wait in a bounded queue; afterwards they flow straight through.
 */

/** Loads the messages after `afterSeq` up to `toSeq`, or null when they cannot be served. */
export type FillMissed = (
  afterSeq: number,
  toSeq: number,
) => Promise<unknown[] | null>;

export interface GroupStreamSink {
  /** Sends an already serialised `message` frame. */
  sendText(text: string): void;
  /** Serialises a message loaded for a replay. */
  serialize(message: unknown): string;
  /** Tells the client to reload the group over HTTP. */
  resync(): void;
  fill: FillMissed;
  /**
   * Replay pacing: null when the socket can take more now, else a promise that settles once its
   * send queue has drained enough. Replays and gap fills wait on it between messages, so a large
   * catch-up never floods the socket's bounded queue (which would close it as too slow).
   */
  room?(): Promise<void> | null;
}

/** Most live messages held while catching up before the stream gives up and resyncs. */
const maxPending = 2000;

export class GroupStream {
  #lastSeq = 0;
  #catchingUp = true;
  #pending: Array<{ seq: number; text: string }> = [];
  #overflowed = false;
  #closed = false;

  constructor(private readonly sink: GroupStreamSink) {}

  /** The last seq this socket received (or was told it has). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Ends the subscribe phase: sends the replay, then what arrived meanwhile. */
  async begin(lastSeq: number, replay: Array<{ seq: number }>): Promise<void> {
    if (!await this.#sendPaced(replay)) return;
    this.#lastSeq = Math.max(lastSeq, replay.at(-1)?.seq ?? 0);
    await this.#drain();
  }

  /** Offers one live message. */
  offer(seq: number, text: string): void {
    if (this.#closed) return;
    if (this.#catchingUp) {
      if (this.#pending.length < maxPending) this.#pending.push({ seq, text });
      else this.#overflowed = true;
      return;
    }
    if (seq <= this.#lastSeq) return;
    if (seq === this.#lastSeq + 1) {
      this.#lastSeq = seq;
      this.sink.sendText(text);
      return;
    }
    this.#catchingUp = true;
    this.#pending.push({ seq, text });
    void this.#drain();
  }

  /** Stops all delivery (unsubscribed or socket closed). */
  close(): void {
    this.#closed = true;
    this.#pending = [];
  }

  /** Sends loaded messages in order, waiting for room between them; false once closed. */
  async #sendPaced(messages: unknown[]): Promise<boolean> {
    for (const message of messages) {
      const wait = this.sink.room?.();
      if (wait) await wait;
      if (this.#closed) return false;
      this.sink.sendText(this.sink.serialize(message));
    }
    return !this.#closed;
  }

  /** Flushes held messages, filling any hole from the fill source. */
  async #drain(): Promise<void> {
    while (!this.#closed) {
      if (this.#overflowed) {
        this.#overflowed = false;
        const newest = this.#pending.at(-1)?.seq ?? this.#lastSeq;
        this.#pending = [];
        this.sink.resync();
        this.#lastSeq = Math.max(this.#lastSeq, newest);
      }
      const next = this.#pending.shift();
      if (!next) break;
      if (next.seq <= this.#lastSeq) continue;
      if (next.seq > this.#lastSeq + 1) {
        let missed: unknown[] | null = null;
        try {
          missed = await this.sink.fill(this.#lastSeq, next.seq - 1);
        } catch (err) {
          console.warn(
            "gateway: could not fill a gap:",
            (err as Error)?.message,
          );
        }
        if (this.#closed) return;
        if (!missed) this.sink.resync();
        else if (!await this.#sendPaced(missed)) return;
      }
      this.#lastSeq = next.seq;
      this.sink.sendText(next.text);
    }
    this.#catchingUp = false;
  }
}
