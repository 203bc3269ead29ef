/**
 * Trace spans of a message's way through one instance: `chat.message.append` (ordering and
 * recording on the bus), then `chat.message.fanout` (to this instance's sockets) and
 * `chat.message.persist` (hand-off read to acknowledgement, i.e. the store write), both children
 * of the append, all carrying the group id and seq.
 *
 * Spans go through `@opentelemetry/api`, which Deno's built-in OpenTelemetry implements when the
 * process runs with `OTEL_DENO=true` (exported over OTLP to `OTEL_EXPORTER_OTLP_ENDPOINT`).
 * Without it the API's tracer records nothing, and nothing here keeps any state.
 *
 * Fan-out and persistence happen later and elsewhere in the code, so the append's span context
 * is remembered by message id, bounded in count and age. A message appended on another instance
 * (Redis) gets fan-out and persist spans of their own, without a parent: the bus envelope does
 * not carry trace context.
 */
import {
  context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { Message } from "../protocol/types.ts";

const tracer = trace.getTracer("salvioris");
/** Append contexts remembered for later spans; the oldest are forgotten first. */
const maxRemembered = 20_000;
const rememberMs = 10 * 60_000;
/** Persist spans open at once (a hand-off batch is at most 1000 entries). */
const maxOpenPersists = 5_000;

/** Whether any append span recorded: spans are only made when an exporter takes them. */
let recording = false;
const appended = new Map<string, { ctx: SpanContext; at: number }>();
const persisting = new Map<string, Span>();

/** Attributes every span of a message carries. */
function messageAttributes(
  message: { group_id: string; seq: number; id?: string; rev?: number },
): Record<string, string | number> {
  return {
    "chat.group_id": message.group_id,
    "chat.seq": message.seq,
    ...(message.id === undefined ? {} : { "chat.message_id": message.id }),
    ...(typeof message.rev === "number" ? { "chat.rev": message.rev } : {}),
  };
}

/** A message's (or event's) place in its group, as the hand-off knows it. */
function positionKey(ref: { group_id: string; seq: number; rev?: number }) {
  return `${ref.group_id}/${ref.seq}/${ref.rev ?? ""}`;
}

/** Starts the append span of a draft (child of the request's span, if any). */
export function startAppendSpan(draft: { id: string; group_id: string }): Span {
  const span = tracer.startSpan("chat.message.append", {
    attributes: {
      "chat.group_id": draft.group_id,
      "chat.message_id": draft.id,
    },
  }, context.active());
  if (span.isRecording()) {
    recording = true;
    // Remembered now: an embedded bus fans out before `append` returns.
    remember(draft.id, span.spanContext());
  }
  return span;
}

/** Ends the append span with its outcome; an appended message's context is kept for later. */
export function endAppendSpan(
  span: Span,
  draftId: string,
  outcome: { status: string; message?: Message } | { error: unknown },
): void {
  if (!span.isRecording()) return span.end();
  // A duplicate, a refusal or a failure never fans out nor persists under this append.
  if (!("status" in outcome && outcome.status === "appended")) {
    appended.delete(draftId);
  }
  if ("error" in outcome) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: (outcome.error as Error)?.message ?? String(outcome.error),
    });
    return span.end();
  }
  span.setAttribute("chat.outcome", outcome.status);
  if (outcome.message) span.setAttributes(messageAttributes(outcome.message));
  if (outcome.status === "appended" && outcome.message) {
    // The hand-off may name the message by its place rather than carry it.
    remember(positionKey(outcome.message), span.spanContext());
  }
  span.end();
}

/** Runs the fan-out of a message inside its span. */
export function inFanoutSpan(message: Message, fanOut: () => void): void {
  if (!recording) return fanOut();
  const span = tracer.startSpan(
    "chat.message.fanout",
    { attributes: messageAttributes(message) },
    parentOf(message.id),
  );
  try {
    fanOut();
  } finally {
    span.end();
  }
}

/** What a hand-off entry holds: the message, or a reference to one event of its group. */
type HandedOff = {
  id: string;
  message?: Message;
  event?: { group_id: string; seq: number; rev?: number };
};

/** Opens the persist span of each message handed to the projector. */
export function startPersistSpans(entries: HandedOff[]): void {
  if (!recording) return;
  for (const entry of entries) {
    const ref = entry.message ?? entry.event;
    if (!ref || persisting.size >= maxOpenPersists) continue;
    // Read again (a retry after a failed write): the earlier attempt's span ends unfinished.
    endPersist(entry.id, "read again");
    persisting.set(
      entry.id,
      tracer.startSpan("chat.message.persist", {
        attributes: messageAttributes(ref),
      }, parentOf(positionKey(ref))),
    );
  }
}

/** Ends the persist spans of acknowledged entries (their messages are in the store). */
export function endPersistSpans(ids: string[]): void {
  for (const id of ids) endPersist(id);
}

function endPersist(id: string, failure?: string): void {
  const span = persisting.get(id);
  if (!span) return;
  persisting.delete(id);
  if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
  span.end();
}

/** The context of the append remembered under `key` (a message id or a position). */
function parentOf(key: string) {
  const known = appended.get(key);
  return known ? trace.setSpanContext(ROOT_CONTEXT, known.ctx) : ROOT_CONTEXT;
}

function remember(key: string, ctx: SpanContext): void {
  const now = Date.now();
  appended.set(key, { ctx, at: now });
  for (const [id, entry] of appended) {
    if (appended.size <= maxRemembered && now - entry.at < rememberMs) break;
    appended.delete(id);
  }
}
