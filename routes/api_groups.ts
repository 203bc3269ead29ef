/** `/api/groups/*`: groups and membership; messages are in `api_messages.ts`. */
import { type Context, Hono } from "hono";
import type { RateSettings } from "../gateway/context.ts";
import { KeyedLimiter } from "../lib/core/rate_limit.ts";
import { limitBy } from "./rate_limit.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import {
  createGroup,
  groupsOfUser,
  joinGroup,
  leaveGroup,
  membersOf,
  publicGroups,
} from "../lib/core/groups.ts";
import { requireGroup, requireMember } from "../lib/core/require.ts";
import { ChatError } from "../lib/protocol/errors.ts";
import * as bodies from "../lib/protocol/http_bodies.ts";
import { addGroupAdminRoutes } from "./api_group_admin.ts";
import { type AuthEnv, requireAuth } from "./session.ts";
import { jsonBody } from "./validate.ts";
import { messageRoutes } from "./api_messages.ts";

export function groupRoutes(
  deps: CoreDeps,
  rates: RateSettings,
): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use(requireAuth(deps));
  // The same budgets a socket has, per user, so HTTP is no way around them.
  const byUser = (c: Context<AuthEnv>) => c.get("caller").user.id;
  app.use(
    limitBy(new KeyedLimiter(rates.framesBurst, rates.framesPerSec), byUser),
  );
  const messageLimit = limitBy(
    new KeyedLimiter(rates.messagesBurst, rates.messagesPerSec),
    byUser,
  );
  const userId = (c: { get(key: "caller"): { user: { id: string } } }) =>
    c.get("caller").user.id;

  app.get(
    "/",
    async (c) => c.json({ groups: await groupsOfUser(deps, userId(c)) }),
  );
  app.post("/", async (c) => {
    const group = await createGroup(
      deps,
      userId(c),
      await jsonBody(c, bodies.createGroup),
    );
    return c.json({ group }, 201);
  });
  // Ids are ours: anything else names no group (and never reaches the store as a key).
  app.use("/:id/*", checkGroupId);
  app.use("/:id", checkGroupId);
  app.get("/public", async (c) => c.json({ groups: await publicGroups(deps) }));
  addGroupAdminRoutes(app, deps);
  app.post("/:id/join", async (c) => {
    const body = await jsonBody(c, bodies.joinGroup);
    const group = await joinGroup(
      deps,
      userId(c),
      c.req.param("id"),
      body.invite_code,
    );
    return c.json({ group });
  });
  app.post("/:id/leave", async (c) => {
    await leaveGroup(deps, userId(c), c.req.param("id"));
    return c.body(null, 204);
  });
  app.get("/:id/members", async (c) => {
    const groupId = c.req.param("id");
    const group = await requireGroup(deps, groupId);
    await requireMember(deps, groupId, userId(c));
    return c.json({ members: await membersOf(deps, group) });
  });
  messageRoutes(app, deps, messageLimit);
  return app;
}

/** Ids are ours: anything else names no group (and never reaches the store as a key). */
async function checkGroupId(c: Context<AuthEnv>, next: () => Promise<void>) {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(c.req.param("id") ?? "")) {
    throw new ChatError("not_found", "No such group");
  }
  await next();
}
