/** How HTTP requests carry a session: the HttpOnly cookie, or `Authorization: Bearer`. */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import {
  authenticate,
  type Caller,
  sessionTtlMs,
} from "../lib/core/accounts.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import { errors } from "../lib/protocol/errors.ts";
import { requestIsHttps } from "./security.ts";

export const sessionCookie = "salvioris_session";

/** Variables the auth middleware sets on the context. */
export type AuthEnv = { Variables: { caller: Caller; token: string } };

/** The token a request presents, from the bearer header first, else the cookie. */
export function tokenOf(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) {
    return header.slice(7).trim() || null;
  }
  const cookies = req.headers.get("cookie");
  if (!cookies) return null;
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === sessionCookie) return decodeToken(value.join("="));
  }
  return null;
}

/** A cookie value as a token; a malformed one (bad %-escapes) is no session, not an error. */
function decodeToken(raw: string): string | null {
  try {
    return decodeURIComponent(raw) || null;
  } catch {
    return null;
  }
}

/** The caller of a request, or null. */
export async function callerOf(
  deps: CoreDeps,
  req: Request,
): Promise<Caller | null> {
  const token = tokenOf(req);
  return token ? await authenticate(deps, token) : null;
}

/** Rejects requests without a valid session with `401 unauthorized`. */
export function requireAuth(deps: CoreDeps): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const token = tokenOf(c.req.raw);
    const caller = token ? await authenticate(deps, token) : null;
    if (!caller || !token) throw errors.unauthorized("Log in first");
    c.set("caller", caller);
    c.set("token", token);
    await next();
  };
}

/** Sets the session cookie (Secure when the request came over HTTPS). */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, sessionCookie, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: requestIsHttps(c.req.raw),
    maxAge: Math.floor(sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookie, {
    path: "/",
    secure: requestIsHttps(c.req.raw),
  });
}
