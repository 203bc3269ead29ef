/**
 * The time source of the browser core. Everything that waits (reconnect backoff, heartbeats,
 * typing expiry, send timeouts) goes through a Clock so tests can move time by hand instead of
 * sleeping.
 */

/** An opaque handle returned by `Clock.setTimeout`. */
export type TimerId = number;

/** Current time and one-shot timers; intervals are built by re-arming. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerId;
  /** Cancels a timer; unknown or fired ids are ignored. */
  clearTimeout(id: TimerId): void;
}

/** The real clock of the browser (or Deno). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerId,
  clearTimeout: (id) => clearTimeout(id),
};
