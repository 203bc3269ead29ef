/**
 * Notices when the reader has stopped using the app: no key, pointer, scroll or touch input for
 * `idleAfterMs` (a few minutes) makes them idle, and the next input makes them active again.
 * Only changes are reported, so the socket hears of it twice per absence, not per keystroke.
 */
import type { Clock, TimerId } from "./clock.ts";

/** Idle after this long without input, unless told otherwise. */
export const defaultIdleAfterMs = 5 * 60_000;

/** Wiring of an InactivityWatch. */
export interface InactivityWatchOptions {
  clock: Clock;
  idleAfterMs?: number;
  /** Called when the reader becomes idle (true) or active again (false). */
  onChange(idle: boolean): void;
}

/** Tracks the reader's input and reports idle/active changes. */
export class InactivityWatch {
  readonly #o: InactivityWatchOptions;
  #idle = false;
  #timer: TimerId | null = null;
  /** Input is noted at most once a second: pointer moves come in bursts. */
  #lastNoted = -Infinity;

  constructor(options: InactivityWatchOptions) {
    this.#o = options;
  }

  /** Whether the reader is idle now. */
  get idle(): boolean {
    return this.#idle;
  }

  /** Starts counting from now, as if the reader had just given input. */
  start(): void {
    this.#lastNoted = -Infinity;
    this.noteInput();
  }

  /** The reader did something. */
  noteInput(): void {
    const now = this.#o.clock.now();
    if (!this.#idle && now - this.#lastNoted < 1_000) return;
    this.#lastNoted = now;
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(
      () => this.#set(true),
      this.#o.idleAfterMs ?? defaultIdleAfterMs,
    );
    this.#set(false);
  }

  /** Stops the timer. */
  stop(): void {
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(idle: boolean): void {
    if (idle === this.#idle) return;
    this.#idle = idle;
    if (idle) this.#timer = null;
    this.#o.onChange(idle);
  }
}

/** The window events that count as the reader being there. */
export const inputEvents = [
  "keydown",
  "pointerdown",
  "pointermove",
  "wheel",
  "touchstart",
  "focus",
] as const;
