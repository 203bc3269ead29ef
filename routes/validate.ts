/** Parses request bodies and queries with zod; a bad one is `400 bad_request` with a reason. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { describeIssues } from "../lib/protocol/client_frames.ts";
import { errors } from "../lib/protocol/errors.ts";

/**
 * Reads and validates a JSON body (an empty body counts as `{}`). A body must be declared
 * `application/json`: a browser sends other types (`text/plain` forms) cross-site without asking,
 * so accepting them would let any site post here with the visitor's cookie (CSRF).
 */
export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.infer<S>> {
  const type = c.req.header("content-type");
  if (type !== undefined && !isJson(type)) throw unsupportedType();
  const text = await c.req.text();
  if (type === undefined && text !== "") throw unsupportedType();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw errors.badRequest("Cannot parse body: not JSON");
    }
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw errors.badRequest(describeIssues(result.error, "body"));
  }
  return result.data;
}

/** Validates the query string. */
export function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    throw errors.badRequest(describeIssues(result.error, "query"));
  }
  return result.data;
}

/** `application/json`, with or without parameters such as `charset`. */
function isJson(contentType: string): boolean {
  return contentType.split(";")[0].trim().toLowerCase() === "application/json";
}

/** `415` with code `bad_request` (the protocol has no code of its own for it). */
function unsupportedType(): HTTPException {
  return new HTTPException(415, {
    message: "Send the body as JSON with Content-Type: application/json",
  });
}
