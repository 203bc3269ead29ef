/** Parses request bodies and queries with zod; a bad one is `400 bad_request` with a reason. */
import type { Context } from "hono";
import type { z } from "zod";
import { describeIssues } from "../lib/protocol/client_frames.ts";
import { errors } from "../lib/protocol/errors.ts";

/** Reads and validates a JSON body (an empty body counts as `{}`). */
export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.infer<S>> {
  const text = await c.req.text();
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
