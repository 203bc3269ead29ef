/** Short sentences for the reader, from protocol error codes. Never raw JSON or stacks. */
import type { ErrorCode } from "../protocol/errors.ts";

const fallback: Record<string, string> = {
  bad_request: "The server did not accept that.",
  not_identified: "Still connecting. Try again in a moment.",
  unauthorized: "Please log in again.",
  forbidden: "You do not have access to that.",
  not_found: "That no longer exists.",
  conflict: "That already exists.",
  rate_limited: "Too many requests. Slow down and try again.",
  too_large: "That is too large.",
  unavailable: "The server is busy. Try again in a moment.",
  internal: "Something went wrong on the server. Try again.",
};

/** A generic sentence for an error code (unknown codes get a generic one too). */
export function errorCodeText(code: string): string {
  return fallback[code] ?? "Something went wrong. Try again.";
}

/** Why a message failed to send, for the line under it. */
export function sendErrorText(
  code: ErrorCode,
  message: string,
  retryAfterMs?: number,
): string {
  if (code === "rate_limited") {
    const s = retryAfterMs ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 0;
    return s ? `Sending too fast. Try again in ${s} s.` : fallback.rate_limited;
  }
  if (code === "unavailable" || code === "internal") {
    return "Not sent: the server is busy.";
  }
  return readable(message) ?? errorCodeText(code);
}

/** Keeps a server-provided message only when it reads as a short human sentence. */
export function readable(message: unknown): string | null {
  if (typeof message !== "string") return null;
  const text = message.trim();
  if (
    !text || text.length > 200 || /^[[{<]/.test(text) || /\n\s+at /.test(text)
  ) return null;
  return text;
}
