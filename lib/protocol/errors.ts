/** The failure vocabulary of PROTOCOL.md §2.4: error codes, close codes and one error class. */

/** Error codes carried by `error` frames and HTTP error bodies. */
export type ErrorCode =
  | "bad_request"
  | "not_identified"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "too_large"
  | "unavailable"
  | "internal";

/** WebSocket close codes the gateway uses. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  tooLarge: 1009,
  unauthorized: 4001,
  protocolViolations: 4002,
  /** Added to the protocol: the client read too slowly and its send queue overflowed. */
  tooSlow: 4003,
  rateLimited: 4008,
  heartbeatTimeout: 4009,
} as const;

/** The HTTP status each error code answers with. */
export const httpStatus: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  not_identified: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** Extra fields an error may carry to the client. */
export interface ErrorDetails {
  group_id?: string;
  nonce?: string;
  retry_after_ms?: number;
}

/**
 * The one error class of the service: a protocol error code, a human message and whether
 * retrying later may succeed (`temporary`, e.g. the bus is down).
 */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ChatError";
  }

  /** True when the same request may succeed later. */
  get temporary(): boolean {
    return this.code === "unavailable" || this.code === "rate_limited";
  }
}

/** Wraps any thrown value as a ChatError, hiding internals behind `internal`. */
export function toChatError(err: unknown): ChatError {
  if (err instanceof ChatError) return err;
  return new ChatError("internal", "Internal error", {}, { cause: err });
}

/** Shorthands for the errors the core raises most. */
export const errors = {
  badRequest: (message: string) => new ChatError("bad_request", message),
  forbidden: (message: string, details: ErrorDetails = {}) =>
    new ChatError("forbidden", message, details),
  notFound: (message: string, details: ErrorDetails = {}) =>
    new ChatError("not_found", message, details),
  unauthorized: (message = "Invalid or expired credentials") =>
    new ChatError("unauthorized", message),
  unavailable: (message: string, cause?: unknown) =>
    new ChatError("unavailable", message, {}, { cause }),
};
