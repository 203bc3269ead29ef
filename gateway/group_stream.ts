/**
 * One socket's stream of one group's events (`message` and `message_update` frames): strictly
 * increasing rev, no duplicate, no silent gap. While the stream catches up (the replay at
 * subscribe, or a gap seen live), live events wait in a bounded queue; afterwards they flow
 * straight through. Since a new message's rev and seq grow together, `message` frames also
 * arrive in seq order, as §1–§3 clients expect.
 */
import { log } from "../lib/log.ts";

/** One event ready to send: its rev, its seq when it is a new message, and its frame text. */
export interface StreamItem {
  rev: number;
  newSeq?: number;
  text: string;
}

/** Loads a group's events after `afterRev` up to `toRev`, or null when they cannot be served. */
export type FillMissed = (
  groupId: string,
  afterRev: number,
  toRev: number,
) => Promise<StreamItem[] | null>;

/**
 * Where a stream's events go: the socket itself (`Connection`), shared by all of that socket's
 * streams, so a subscription costs one small object and no closures.
 */
export interface GroupStreamSink {
  /** Sends an already serialised frame. */
  sendText(text: string): void;
  /** Tells the client to reload the group over HTTP. */
  resync(groupId: string): void;
  /**
   * Replay pacing: null when the socket can take more now, else a promise that settles once its
   * send queue has drained enough. Replays and gap fills wait on it between events, so a large
   * catch-up never floods the socket's bounded queue (which would close it as too slow).
   */
  room?(): Promise<void> | null;
}

/** Most live events held while catching up before the stream gives up and resyncs. */
const maxPending = 2000;

export class GroupStream {
  #lastRev = 0;
  /** New messages up to this seq were replayed by seq (`since`): not sent again. */
  #seqFloor = 0;
  #catchingUp = true;
  #pending: StreamItem[] = [];
  #overflowed = false;
  #closed = false;

  /** `fill` is the instance's one source of missed events, shared by every stream. */
  constructor(
    readonly groupId: string,
    private readonly sink: GroupStreamSink,
    private readonly fill: FillMissed,
  ) {}

  /** The last rev this socket received (or was told it has). */
  get lastRev(): number {
    return this.#lastRev;
  }

  /**
   * Ends the subscribe phase: sends the replay (frames already in order), then what arrived
   * meanwhile. `lastRev` is where the stream stands after the replay; `seqFloor` the last seq a
   * replay by seq sent.
   */
  async begin(lastRev: number, replay: string[], seqFloor = 0): Promise<void> {
    for (const text of replay) {
      if (!await this.#room()) return;
      this.sink.sendText(text);
    }
    this.#lastRev = lastRev;
    this.#seqFloor = seqFloor;
    await this.#drain();
  }

  /** Offers one live event. */
  offer(item: StreamItem): void {
    if (this.#closed) return;
    if (this.#catchingUp) {
      if (this.#pending.length < maxPending) this.#pending.push(item);
      else this.#overflowed = true;
      return;
    }
    if (item.rev <= this.#lastRev) return;
    if (item.rev === this.#lastRev + 1) {
      this.#send(item);
      return;
    }
    this.#catchingUp = true;
    this.#pending.push(item);
    void this.#drain();
  }

  /** Stops all delivery (unsubscribed or socket closed). */
  close(): void {
    this.#closed = true;
    this.#pending = [];
  }

  /** Waits until the socket has room for more; false once the stream is closed. */
  async #room(): Promise<boolean> {
    const wait = this.sink.room?.();
    if (wait) await wait;
    return !this.#closed;
  }

  #send(item: StreamItem): void {
    this.#lastRev = item.rev;
    if (item.newSeq !== undefined && item.newSeq <= this.#seqFloor) return;
    this.sink.sendText(item.text);
  }

  /** Flushes held events, filling any hole from the fill source. */
  async #drain(): Promise<void> {
    while (!this.#closed) {
      if (this.#overflowed) {
        this.#overflowed = false;
        const newest = this.#pending.at(-1)?.rev ?? this.#lastRev;
        this.#pending = [];
        this.sink.resync(this.groupId);
        this.#lastRev = Math.max(this.#lastRev, newest);
      }
      const next = this.#pending.shift();
      if (!next) break;
      if (next.rev <= this.#lastRev) continue;
      if (next.rev > this.#lastRev + 1) {
        let missed: StreamItem[] | null = null;
        try {
          missed = await this.fill(
            this.groupId,
            this.#lastRev,
            next.rev - 1,
          );
        } catch (err) {
          log.warn("gateway.gap_fill_failed", "gateway: could not fill a gap", {
            err,
          });
        }
        if (this.#closed) return;
        if (missed) { for (const item of missed) this.#send(item); }
        else this.sink.resync(this.groupId);
      }
      this.#send(next);
    }
    this.#catchingUp = false;
  }
}
