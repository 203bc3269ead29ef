/** `GET /gateway`: the Origin check and the WebSocket upgrade into the gateway. */
import { Hono } from "hono";
import type { Gateway } from "../gateway/context.ts";
import { attachSocket } from "../gateway/lifecycle.ts";
import { originAllowed } from "../gateway/origin.ts";
import { callerOf } from "./session.ts";

export function gatewayRoutes(gw: Gateway): Hono {
  const app = new Hono();
  app.get("/gateway", async (c) => {
    const req = c.req.raw;
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return c.json({
        error: { code: "bad_request", message: "Expected a WebSocket upgrade" },
      }, 426);
    }
    const origin = req.headers.get("origin");
    if (
      !originAllowed(
        origin,
        req.url,
        req.headers.get("host"),
        gw.settings.allowedOrigins,
      )
    ) {
      return c.json({
        error: { code: "forbidden", message: "Origin not allowed" },
      }, 403);
    }
    const caller = await callerOf(gw.deps, req).catch(() => null);
    const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: 0 });
    attachSocket(gw, socket, caller);
    return response;
  });
  return app;
}
