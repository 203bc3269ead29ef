/** `/api/auth/*` and `/api/me`. */
import { Hono } from "hono";
import { login, logout, register } from "../lib/core/accounts.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import { credentials, loginBody } from "../lib/protocol/http_bodies.ts";
import {
  type AuthEnv,
  clearSessionCookie,
  requireAuth,
  setSessionCookie,
  tokenOf,
} from "./session.ts";
import { jsonBody } from "./validate.ts";

export function authRoutes(deps: CoreDeps): Hono {
  const app = new Hono();
  app.post("/api/auth/register", async (c) => {
    const result = await register(deps, await jsonBody(c, credentials));
    setSessionCookie(c, result.token);
    return c.json({ user: result.user, token: result.token }, 201);
  });
  app.post("/api/auth/login", async (c) => {
    const result = await login(deps, await jsonBody(c, loginBody));
    setSessionCookie(c, result.token);
    return c.json({ user: result.user, token: result.token });
  });
  app.post("/api/auth/logout", async (c) => {
    const token = tokenOf(c.req.raw);
    if (token) await logout(deps, token);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  const me = new Hono<AuthEnv>();
  me.use(requireAuth(deps));
  me.get("/", (c) => c.json({ user: c.get("caller").user }));
  app.route("/api/me", me);
  return app;
}
