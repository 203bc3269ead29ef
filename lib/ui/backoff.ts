/** Reconnect delays: exponential, capped, with jitter so a restarted server is not stampeded. */

/** How delays grow. */
export interface BackoffOptions {
  /** Ceiling of the first delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
}

/** Defaults: 0.5 s, 1 s, 2 s … capped at 30 s (before jitter halves the lower bound). */
export const defaultBackoff: BackoffOptions = {
  baseMs: 500,
  maxMs: 30_000,
  factor: 2,
};

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry). "Equal jitter": a random
 * point in the upper half of the ceiling, so clients spread out but never retry at once.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const ceiling = Math.min(
    options.maxMs,
    options.baseMs * options.factor ** exponent,
  );
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}
