/**
 * Start-up failures: a fatal error while starting names what failed and the setting to check, in
 * one line, and the process exits non-zero. Process managers and CI read the exit status; an
 * operator reads the line. Services that may come up after us (Redis, MongoDB) are retried for a
 * bounded time first.
 */

/** A start-up step failed; `setting` is the configuration variable an operator should check. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StartupError";
  }
}

/** The one line printed for a failed start. */
export function startupFailureLine(err: unknown): string {
  if (err instanceof StartupError) {
    return `salvioris: cannot start: ${err.message} (check ${err.setting})`;
  }
  return `salvioris: cannot start: ${reasonOf(err)}`;
}

/** The innermost message of an error's `cause` chain, on one line. */
export function reasonOf(err: unknown): string {
  let reason = String(err);
  for (let e = err, depth = 0; e && depth < 10; depth++) {
    if (e instanceof Error) {
      if (e.message) reason = e.message;
      e = e.cause;
    } else {
      reason = String(e);
      break;
    }
  }
  return reason.replace(/\s+/g, " ").trim();
}

/** A connection string with its password replaced, fit to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable)";
  }
}

export interface RetryOptions {
  /** What is being reached, for messages: "Redis at redis://…". */
  what: string;
  /** The setting that names it, e.g. `REDIS_URL`. */
  setting: string;
  /** Give up once this much time has passed since the first attempt. */
  timeoutMs: number;
  /** Errors that retrying cannot fix (a malformed URI): thrown at once. */
  permanent?: (err: unknown) => boolean;
}

/**
 * Runs `attempt` until it succeeds or `timeoutMs` has passed, with a backoff from 200 ms to 2 s.
 * `attempt` receives the time left, to bound its own waits. The first failure is logged once, so
 * an operator sees why start-up waits; the last becomes a `StartupError`.
 */
export async function retryUntilReachable<T>(
  options: RetryOptions,
  attempt: (remainingMs: number) => Promise<T>,
): Promise<T> {
  const startedAt = Date.now();
  for (let n = 1;; n++) {
    const remaining = options.timeoutMs - (Date.now() - startedAt);
    try {
      return await attempt(Math.max(1, remaining));
    } catch (err) {
      if (options.permanent?.(err)) {
        throw new StartupError(
          `${options.what} refused: ${reasonOf(err)}`,
          options.setting,
          { cause: err },
        );
      }
      const waited = Date.now() - startedAt;
      if (waited >= options.timeoutMs) {
        throw new StartupError(
          `${options.what} is unreachable after ${seconds(waited)} s: ${
            reasonOf(err)
          }`,
          options.setting,
          { cause: err },
        );
      }
      if (n === 1) {
        console.warn(
          `salvioris: ${options.what} is unreachable (${reasonOf(err)}); ` +
            `retrying for up to ${seconds(options.timeoutMs)} s`,
        );
      }
      const delay = Math.min(2_000, 200 * 2 ** (n - 1));
      await new Promise((r) =>
        setTimeout(r, Math.min(delay, options.timeoutMs - waited))
      );
    }
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
