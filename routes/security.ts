/**
 * The browser-facing edge of every HTTP request: refusing cross-site writes (CSRF), telling
 * whether a request came over HTTPS, and the headers every API answer carries.
 */
import type { MiddlewareHandler } from "hono";
import { originAllowed } from "../gateway/origin.ts";
import { ChatError } from "../lib/protocol/errors.ts";

/** HSTS for a year: sent only on answers to requests that came over HTTPS. */
const hsts = "max-age=31536000";

/**
 * True when the client reached us over HTTPS: the request URL's scheme, or the first value of
 * `X-Forwarded-Proto` that a TLS-terminating proxy in front sets. That header is believed as sent,
 * so only a trusted proxy may reach the server (one that sets or strips it on every request).
 */
export function requestIsHttps(req: Request): boolean {
  if (new URL(req.url).protocol === "https:") return true;
  const forwarded = req.headers.get("x-forwarded-proto");
  return forwarded?.split(",")[0].trim().toLowerCase() === "https";
}

/** Methods a browser sends from any site without asking (no side effects allowed). */
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests that a browser sent on behalf of another site: an `Origin`
 * that is neither ours nor in ALLOWED_ORIGINS, or `Sec-Fetch-Site: cross-site | same-site` (a
 * sibling subdomain is another site for our cookies' purposes) unless the Origin is listed.
 * Requests with neither header are not from a browser (curl, bots, tests) and pass.
 */
export function refuseCrossSite(allowed: string[]): MiddlewareHandler {
  return async (c, next) => {
    const req = c.req.raw;
    if (!safeMethods.has(req.method)) {
      const origin = req.headers.get("origin");
      const site = req.headers.get("sec-fetch-site")?.toLowerCase();
      const host = req.headers.get("host");
      const listed = origin !== null &&
        (allowed.includes(origin) || allowed.includes("*"));
      const foreignOrigin = origin !== null &&
        !originAllowed(origin, req.url, host, allowed);
      const foreignSite = (site === "cross-site" || site === "same-site") &&
        !listed;
      if (foreignOrigin || foreignSite) {
        throw new ChatError(
          "forbidden",
          "Cross-site request refused: send it from this site's own pages",
        );
      }
    }
    await next();
  };
}

/** Headers of every API answer: never cached (answers hold private data), never sniffed. */
export function apiHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
    c.res.headers.set("x-content-type-options", "nosniff");
  };
}

/** HSTS on any answer (pages, assets) to a request that came over HTTPS. */
export function strictTransport(): MiddlewareHandler {
  return async (c, next) => {
    // Read before the handler runs: once a socket upgrade is answered the request is gone.
    const https = requestIsHttps(c.req.raw);
    await next();
    if (https && c.res.status !== 101) {
      c.res.headers.set("strict-transport-security", hsts);
    }
  };
}
