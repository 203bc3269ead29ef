/**
 * Every client frame enters here: size limit, rate limits, validation, the identification gate,
 * then the handler for its type (one file per frame in `gateway/frames/`). A socket's frames are
 * handled one after another, so its messages are published in the order it sent them.
 */
import {
  ChatError,
  CloseCode,
  errors,
  toChatError,
} from "../lib/protocol/errors.ts";
import {
  type ClientFrame,
  parseClientFrame,
} from "../lib/protocol/client_frames.ts";
import { limits } from "../lib/protocol/limits.ts";
import type { Connection } from "./connection.ts";
import type { Gateway } from "./context.ts";
import { handleDelete } from "./frames/delete.ts";
import { handleEdit } from "./frames/edit.ts";
import { handleIdentify } from "./frames/identify.ts";
import { handleMessage } from "./frames/message.ts";
import { handlePing } from "./frames/ping.ts";
import { handlePresenceStatus } from "./frames/presence_status.ts";
import { handleReact } from "./frames/react.ts";
import { handleRead } from "./frames/read.ts";
import { handleSubscribe } from "./frames/subscribe.ts";
import { handleTyping } from "./frames/typing.ts";
import { handleUnsubscribe } from "./frames/unsubscribe.ts";

/** Frame types that append an event to a group's history. */
const historyFrames: ReadonlySet<string> = new Set([
  "message",
  "edit",
  "delete",
  "react",
  "unreact",
]);

/** Frames accepted but not yet handled, per socket, before new ones are refused. */
const maxQueuedFrames = 256;

function route(
  gw: Gateway,
  connection: Connection,
  frame: ClientFrame,
): Promise<void> {
  switch (frame.type) {
    case "identify":
      return handleIdentify(gw, connection, frame);
    case "subscribe":
      return handleSubscribe(gw, connection, frame);
    case "unsubscribe":
      return handleUnsubscribe(gw, connection, frame);
    case "message":
      return handleMessage(gw, connection, frame);
    case "edit":
      return handleEdit(gw, connection, frame);
    case "delete":
      return handleDelete(gw, connection, frame);
    case "react":
    case "unreact":
      return handleReact(gw, connection, frame);
    case "typing_start":
    case "typing_stop":
      return handleTyping(gw, connection, frame);
    case "read":
      return handleRead(gw, connection, frame);
    case "ping":
      return handlePing(connection, frame);
    case "presence_status":
      return handlePresenceStatus(gw, connection, frame);
  }
}

const queues = new WeakMap<Connection, { tail: Promise<void>; size: number }>();

/** Handles one raw frame from a socket. Never throws. */
export function dispatch(
  gw: Gateway,
  connection: Connection,
  data: unknown,
): void {
  connection.lastFrameAt = gw.deps.now();
  if (connection.closed) return;
  if (typeof data !== "string") {
    return violation(
      connection,
      errors.badRequest("Binary frames are not supported"),
    );
  }
  if (
    data.length > limits.maxFrameBytes ||
    byteLength(data) > limits.maxFrameBytes
  ) {
    connection.sendError(new ChatError("too_large", "Frame over 64 KiB"));
    connection.close(CloseCode.tooLarge, "Frame over 64 KiB", {
      whenQuiet: true,
    });
    return;
  }
  const parsed = parseClientFrame(data);
  const retryAfter = connection.frameLimit.take();
  if (retryAfter > 0) {
    return rateLimited(connection, retryAfter, parsed.ok ? parsed.frame : null);
  }
  if (!parsed.ok) {
    const details = parsed.group_id === undefined
      ? {}
      : { group_id: parsed.group_id };
    const error = new ChatError("bad_request", parsed.message, details);
    return violation(connection, error, parsed.ref);
  }
  const frame = parsed.frame;
  if (!connection.caller && frame.type !== "identify") {
    const error = new ChatError("not_identified", "Send identify first");
    return violation(connection, error, frame.ref);
  }
  // Every frame that appends to a group's history spends the message budget.
  if (historyFrames.has(frame.type)) {
    const wait = connection.messageLimit.take();
    if (wait > 0) return rateLimited(connection, wait, frame);
  }
  enqueue(gw, connection, frame);
}

function enqueue(
  gw: Gateway,
  connection: Connection,
  frame: ClientFrame,
): void {
  let queue = queues.get(connection);
  if (!queue) {
    queues.set(connection, queue = { tail: Promise.resolve(), size: 0 });
  }
  if (queue.size >= maxQueuedFrames) {
    return rateLimited(connection, 1000, frame);
  }
  queue.size++;
  const q = queue;
  q.tail = q.tail.then(async () => {
    if (connection.closed) return;
    try {
      await route(gw, connection, frame);
    } catch (err) {
      const error = toChatError(err);
      if (error.code === "internal") {
        console.error(`gateway: ${frame.type} failed:`, err);
      }
      connection.sendError(withFrameDetails(error, frame), frame.ref);
    } finally {
      q.size--;
    }
  });
}

/** Adds the group and nonce of the frame that failed, so the client can match the error. */
function withFrameDetails(error: ChatError, frame: ClientFrame): ChatError {
  const details = { ...error.details };
  if ("group_id" in frame && details.group_id === undefined) {
    details.group_id = frame.group_id;
  }
  if (frame.type === "message" && frame.nonce) details.nonce = frame.nonce;
  return new ChatError(error.code, error.message, details);
}

function violation(
  connection: Connection,
  error: ChatError,
  ref?: string,
): void {
  connection.sendError(error, ref);
  if (connection.violations.hit()) {
    connection.close(
      CloseCode.protocolViolations,
      "Too many protocol violations",
      {
        whenQuiet: true,
      },
    );
  }
}

function rateLimited(
  connection: Connection,
  retryAfterMs: number,
  frame: ClientFrame | null,
) {
  const base = new ChatError("rate_limited", "Slow down", {
    retry_after_ms: retryAfterMs,
  });
  connection.sendError(
    frame ? withFrameDetails(base, frame) : base,
    frame?.ref,
  );
  if (connection.rejections.hit()) {
    connection.close(CloseCode.rateLimited, "Rate limited for too long", {
      whenQuiet: true,
    });
  }
}

const encoder = new TextEncoder();
function byteLength(text: string): number {
  // Only texts that could exceed the limit in UTF-8 are measured.
  return text.length * 3 <= limits.maxFrameBytes
    ? text.length
    : encoder.encode(text).length;
}
