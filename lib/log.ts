/**
 * The process's log: one line per event, readable text by default or one JSON object per line
 * (`LOG_FORMAT=json`) for a log pipeline; `LOG_LEVEL` drops what is below it.
 *
 * A line is an event name (`gateway.frame_failed`), a short human text, and fields of ids and
 * counts. What may go into fields is a rule, not a hope: keys that could carry a secret or what a
 * user wrote (`token`, `password`, `text`, …) are replaced by `[redacted]` whatever the caller
 * passed, and an error is reduced to its name, code and message (never the value it held).
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "text" | "json";
/** Ids and counts; an `Error` (or anything thrown) under `err`. */
export type LogFields = Record<string, unknown>;

export interface LogSettings {
  format: LogFormat;
  level: LogLevel;
  /** This process's name in the cluster, on every line. */
  instanceId?: string;
  /** Where lines go (tests capture them); defaults to stdout, and stderr for warn and error. */
  write?: (level: LogLevel, line: string) => void;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/** Field names whose value is never written, whatever a caller passes. */
const secretKeys =
  /^(token|password|password_hash|text|authorization|cookie|secret|body)$/i;

/**
 * Through `console`, so that with `OTEL_DENO=true` Deno also exports each line as an OpenTelemetry
 * log record, tied to the span that was active.
 */
function toConsole(level: LogLevel, line: string): void {
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

let settings: Required<Omit<LogSettings, "instanceId">> & {
  instanceId?: string;
} = { format: "text", level: "info", write: toConsole };

/** Sets the format, level and instance id for every later line (`main.ts`, once at start). */
export function configureLog(next: Partial<LogSettings>): void {
  const write = "write" in next ? next.write ?? toConsole : settings.write;
  settings = { ...settings, ...next, write };
}

/** Writes one event at `level`. */
function emit(
  level: LogLevel,
  event: string,
  msg: string,
  fields: LogFields = {},
): void {
  if (rank[level] < rank[settings.level]) return;
  const clean = cleanFields(fields, level === "error");
  const line = settings.format === "json"
    ? jsonLine(level, event, msg, clean)
    : textLine(level, event, msg, clean);
  settings.write(level, line);
}

/** The logger every module uses: `log.warn("persistence.retry", "…", { backoff_ms })`. */
export const log = {
  debug: (event: string, msg: string, fields?: LogFields) =>
    emit("debug", event, msg, fields),
  info: (event: string, msg: string, fields?: LogFields) =>
    emit("info", event, msg, fields),
  warn: (event: string, msg: string, fields?: LogFields) =>
    emit("warn", event, msg, fields),
  error: (event: string, msg: string, fields?: LogFields) =>
    emit("error", event, msg, fields),
};

function jsonLine(
  level: LogLevel,
  event: string,
  msg: string,
  fields: LogFields,
): string {
  return JSON.stringify({
    time: new Date().toISOString(),
    level,
    event,
    instance: settings.instanceId,
    msg,
    ...fields,
  });
}

function textLine(
  level: LogLevel,
  event: string,
  msg: string,
  fields: LogFields,
): string {
  const { err, ...rest } = fields as { err?: Record<string, unknown> };
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const head = level === "info" ? "" : `${level.toUpperCase()} `;
  const because = err ? `: ${err.name}: ${err.message}` : "";
  const where = Array.isArray(err?.stack)
    ? err.stack.map((frame) => `\n    ${frame}`).join("")
    : "";
  // The event name is for grepping a problem; a plain info line reads as a sentence alone.
  const tag = extra
    ? ` (${event} ${extra})`
    : rank[level] >= rank.warn
    ? ` (${event})`
    : "";
  return `${head}${msg}${because}${tag}${where}`;
}

/** Secrets and message text out; errors as name, code and message (and stack when `stack`). */
function cleanFields(fields: LogFields, stack: boolean): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (secretKeys.test(key)) out[key] = "[redacted]";
    else if (key === "err") out.err = describeError(value, stack);
    else out[key] = value;
  }
  return out;
}

/** What an error says about itself, without values it may carry (a frame, a message). */
export function describeError(
  err: unknown,
  withStack = false,
): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? messageOf(err.cause) : undefined;
    // Where it came from (file:line only); the stack's first line repeats the message.
    const stack = withStack
      ? err.stack?.split("\n").slice(1, 6).map((l) => l.trim())
      : undefined;
    return {
      name: err.name,
      message: messageOf(err),
      ...(typeof code === "string" ? { code } : {}),
      ...(cause ? { cause } : {}),
      ...(stack?.length ? { stack } : {}),
    };
  }
  return { message: String(err) };
}

/** An error's message, except where it may quote input (V8's JSON.parse errors do). */
function messageOf(err: Error): string {
  return err instanceof SyntaxError
    ? "(not logged: it may quote its input)"
    : err.message;
}
