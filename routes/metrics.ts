/**
 * `GET /metrics` (Prometheus text format). Off by default: the numbers describe the service's
 * traffic, which is nobody's business but its operators'. It is served
 * - on the main port when `METRICS_TOKEN` is set, to requests bearing that token;
 * - on a port of its own when `METRICS_PORT` is set (a port the network keeps private), and
 *   there too the token is asked for when one is set.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { scrape, scrapeContentType } from "../lib/metrics/metrics.ts";

export interface MetricsSettings {
  /** Bearer token a scrape must present (at least 16 characters). */
  token?: string;
  /** A listener of its own for `/metrics` (0: any free port). */
  port?: number;
}

/** The `/metrics` route of the main app: only with a token. */
export function metricsRoutes(settings: MetricsSettings): Hono {
  const app = new Hono();
  if (settings.token) app.get("/metrics", metricsHandler(settings.token));
  return app;
}

/** A listener answering only `/metrics`, on `settings.port`. */
export function serveMetricsPort(
  settings: MetricsSettings & { port: number },
  host: string,
): Deno.HttpServer<Deno.NetAddr> {
  const app = new Hono();
  app.get("/metrics", metricsHandler(settings.token));
  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: "Not found" } }, 404)
  );
  return Deno.serve({
    port: settings.port,
    hostname: host,
    onListen: () => {},
  }, app.fetch);
}

function metricsHandler(token: string | undefined) {
  const expected = token ? digest(token) : null;
  return async (c: import("hono").Context) => {
    if (expected && !bearerMatches(c.req.header("authorization"), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.json({
        error: {
          code: "unauthorized",
          message: "Scraping /metrics needs its bearer token",
        },
      }, 401);
    }
    return c.body(await scrape(), 200, {
      "content-type": scrapeContentType,
      "cache-control": "no-store",
    });
  };
}

/** Compares digests, so the time taken says nothing about the token, not even its length. */
function bearerMatches(
  header: string | undefined,
  expected: Uint8Array,
): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]), expected);
}

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}
