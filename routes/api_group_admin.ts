/** §6 routes under `/api/groups/:id`: settings, invite rotation, roles, removal, bans, mute. */
import type { Context, Hono } from "hono";
import type { CoreDeps } from "../lib/core/deps.ts";
import {
  removeMember,
  rotateInvite,
  setMemberRole,
  unban,
  updateGroup,
} from "../lib/core/group_admin.ts";
import { setMuted } from "../lib/core/groups.ts";
import { ChatError } from "../lib/protocol/errors.ts";
import * as bodies from "../lib/protocol/http_bodies.ts";
import type { AuthEnv } from "./session.ts";
import { jsonBody } from "./validate.ts";

/** Ids are ours: anything else names nobody (and never reaches the store as a key). */
function userParam(c: Context<AuthEnv>): string {
  const id = c.req.param("user_id") ?? "";
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new ChatError("not_found", "No such member of this group");
  }
  return id;
}

/** Registers the routes on the group router (which checked the caller and the group id). */
export function addGroupAdminRoutes(app: Hono<AuthEnv>, deps: CoreDeps): void {
  const caller = (c: Context<AuthEnv>) => c.get("caller").user.id;

  app.patch("/:id", async (c) => {
    const body = await jsonBody(c, bodies.updateGroup);
    const group = await updateGroup(deps, caller(c), c.req.param("id"), body);
    return c.json({ group });
  });
  app.post("/:id/invite", async (c) => {
    const group = await rotateInvite(deps, caller(c), c.req.param("id"));
    return c.json({ group });
  });
  app.put("/:id/members/:user_id/role", async (c) => {
    const { role } = await jsonBody(c, bodies.setRole);
    const member = await setMemberRole(
      deps,
      caller(c),
      c.req.param("id"),
      userParam(c),
      role,
    );
    return c.json({ member });
  });
  app.delete("/:id/members/:user_id", async (c) => {
    const ban = ["1", "true"].includes(c.req.query("ban") ?? "");
    await removeMember(deps, caller(c), c.req.param("id"), userParam(c), ban);
    return c.body(null, 204);
  });
  app.delete("/:id/bans/:user_id", async (c) => {
    await unban(deps, caller(c), c.req.param("id"), userParam(c));
    return c.body(null, 204);
  });
  app.put("/:id/mute", async (c) => {
    const { muted } = await jsonBody(c, bodies.setMute);
    await setMuted(deps, caller(c), c.req.param("id"), muted);
    return c.json({ muted });
  });
}
