/** §6 direct messages: `POST /api/dms`, and the exact-name look-up that starts one. */
import { type Context, Hono } from "hono";
import type { RateSettings } from "../gateway/context.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import { findUser, openDm } from "../lib/core/dms.ts";
import { KeyedLimiter } from "../lib/core/rate_limit.ts";
import * as bodies from "../lib/protocol/http_bodies.ts";
import { limitBy } from "./rate_limit.ts";
import { type AuthEnv, requireAuth } from "./session.ts";
import { jsonBody, query } from "./validate.ts";

/** Routes mounted at `/api`. */
export function dmRoutes(deps: CoreDeps, rates: RateSettings): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const byUser = (c: Context<AuthEnv>) => c.get("caller").user.id;
  const auth = requireAuth(deps);
  // Per user, like every API call: a look-up answers one exact name, so it lists nobody.
  const limit = limitBy(
    new KeyedLimiter(rates.framesBurst, rates.framesPerSec),
    byUser,
  );
  app.post("/dms", auth, limit, async (c) => {
    const { username } = await jsonBody(c, bodies.startDm);
    return c.json({
      group: await openDm(deps, c.get("caller").user, username),
    });
  });
  app.get("/users/lookup", auth, limit, async (c) => {
    const { username } = query(c, bodies.startDm);
    return c.json({ user: await findUser(deps, username) });
  });
  return app;
}
