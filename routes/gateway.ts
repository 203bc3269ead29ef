/** `GET /gateway`: the Origin check and the WebSocket upgrade into the gateway. */
import { type Context, Hono } from "hono";
import type { Refusal } from "../gateway/admission.ts";
import type { Gateway } from "../gateway/context.ts";
import { attachSocket, type Credentials } from "../gateway/lifecycle.ts";
import { originAllowed } from "../gateway/origin.ts";
import { authenticate } from "../lib/core/accounts.ts";
import { clientAddress } from "./rate_limit.ts";
import { tokenOf } from "./session.ts";
import { metrics } from "../lib/metrics/metrics.ts";

/**
 * Deno pings a socket silent for half this long and drops its connection when no pong follows
 * within the other half. It is the only way to free a peer that never answers: our own close
 * waits for the peer's close frame forever, so a silent anonymous socket closed at the 10 s
 * identify deadline would hold its place (and its connection) until TCP gives up. Shorter than
 * that deadline, so a silent peer is dropped before we start a close it would never finish.
 */
const peerIdleTimeoutS = 8;

/**
 * The same for a socket identified at the upgrade (cookie or bearer token): the gateway's own
 * heartbeat deadline (2 × `heartbeat_interval_ms`, 4009) already ends a silent one, so Deno
 * need only free it if it then never answers the close. With the 8 s of anonymous sockets every
 * idle, identified socket would be pinged every 4 s (3 % of a 1,000-socket instance's
 * main-thread time at 10k deliveries/s went to `op_ws_send_ping`).
 */
function identifiedIdleTimeoutS(heartbeatIntervalMs: number): number {
  return Math.max(
    peerIdleTimeoutS,
    Math.ceil((2 * heartbeatIntervalMs) / 1000),
  );
}

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
    const address = clientAddress(c);
    // Caps that hold for everyone first: they need no store access.
    const full = gw.admission.refusal(address, { anonymous: false });
    if (full) return refuse(c, full);
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
    const anonymous = gw.admission.refusal(address, { anonymous: !caller });
    if (anonymous) return refuse(c, anonymous);
    let upgraded: { socket: WebSocket; response: Response };
    try {
      upgraded = Deno.upgradeWebSocket(req, {
        idleTimeout: caller
          ? identifiedIdleTimeoutS(gw.settings.heartbeatIntervalMs)
          : peerIdleTimeoutS,
      });
    } catch {
      // Not a valid handshake (no `Connection: upgrade`, no key, wrong version): the client's fault.
      return c.json({
        error: { code: "bad_request", message: "Invalid WebSocket handshake" },
      }, 400);
    }
    attachSocket(gw, upgraded.socket, caller, credentials, address);
    return upgraded.response;
  });
  return app;
}

/** Answers a refused upgrade: its status, a `Retry-After` and the error body. */
function refuse(c: Context, { status, error }: Refusal): Response {
  metrics.socketsRefused.inc({ status: String(status) });
  c.header(
    "Retry-After",
    String(Math.ceil(error.details.retry_after_ms! / 1000)),
  );
  return c.json({
    error: { code: error.code, message: error.message, ...error.details },
  }, status);
}
