/** `GET /gateway`: the Origin check and the WebSocket upgrade into the gateway. */
import { Hono } from "hono";
import type { Gateway } from "../gateway/context.ts";
import { attachSocket, type Credentials } from "../gateway/lifecycle.ts";
import { originAllowed } from "../gateway/origin.ts";
import { authenticate } from "../lib/core/accounts.ts";
import { tokenOf } from "./session.ts";

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
    const token = tokenOf(req);
    let caller = null;
    let credentials: Credentials = "none";
    if (token) {
      try {
        caller = await authenticate(gw.deps, token);
        credentials = caller ? "valid" : "stale";
      } catch {
        credentials = "unchecked"; // the store did not answer: not the client's fault
      }
    }
    let upgraded: { socket: WebSocket; response: Response };
    try {
      upgraded = Deno.upgradeWebSocket(req, { idleTimeout: 0 });
    } catch {
      // Not a valid handshake (no `Connection: upgrade`, no key, wrong version): the client's fault.
      return c.json({
        error: { code: "bad_request", message: "Invalid WebSocket handshake" },
      }, 400);
    }
    attachSocket(gw, upgraded.socket, caller, credentials);
    return upgraded.response;
  });
  return app;
}
