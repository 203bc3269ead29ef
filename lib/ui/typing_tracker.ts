/**
 * Who is typing in each group, kept as a signal, with one timer that drops states nobody renewed
 * (the server's typing_stop can be lost with a dropped socket).
 */
import { signal } from "@preact/signals-core";
import type { Clock, TimerId } from "./clock.ts";
import {
  expireTyping,
  nextExpiry,
  startTyping,
  stopTyping,
  type TypingMap,
} from "./typing_state.ts";

/** Typing states with expiry. */
export class TypingTracker {
  /** group id → user id → expiry time. */
  readonly state = signal<TypingMap>(new Map());
  #timer: TimerId | null = null;

  constructor(private readonly clock: Clock, private readonly ttlMs: number) {}

  /** A user started (or is still) typing. */
  start(groupId: string, userId: string): void {
    this.#set(
      startTyping(
        this.state.value,
        groupId,
        userId,
        this.clock.now() + this.ttlMs,
      ),
    );
  }

  /** A user stopped typing (or sent their message). */
  stop(groupId: string, userId: string): void {
    this.#set(stopTyping(this.state.value, groupId, userId));
  }

  /** Forgets a group. */
  dropGroup(groupId: string): void {
    if (this.state.value.has(groupId)) {
      this.#set(
        new Map([...this.state.value].filter(([id]) => id !== groupId)),
      );
    }
  }

  /** User ids typing in a group. */
  usersIn(groupId: string): string[] {
    return [...(this.state.value.get(groupId)?.keys() ?? [])];
  }

  /** Cancels the expiry timer. */
  dispose(): void {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Stores the map and re-arms the timer for its earliest expiry. */
  #set(map: TypingMap): void {
    if (map !== this.state.value) this.state.value = map;
    this.dispose();
    const next = nextExpiry(map);
    if (next === null) return;
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      this.#set(expireTyping(this.state.value, this.clock.now()));
    }, Math.max(0, next - this.clock.now()));
  }
}
