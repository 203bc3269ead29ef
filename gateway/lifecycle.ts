/**
 * Socket lifecycle: open (hello, cookie auth), close (cleanup, presence, typing), and the one
 * periodic sweep that enforces heartbeats, the identify deadline and typing expiry.
 */
import type { Caller } from "../lib/core/accounts.ts";
import { newId } from "../lib/core/ids.ts";
import { socketClosed } from "../lib/core/presence_announcer.ts";
import { announceIdle, idleTracker } from "./idle.ts";
import { CloseCode, errors } from "../lib/protocol/errors.ts";
import { limits } from "../lib/protocol/limits.ts";
import { Connection, type SocketLike } from "./connection.ts";
import type { Gateway } from "./context.ts";
import { dispatch } from "./dispatch.ts";
import { becomeReady } from "./frames/identify.ts";
import { publishTyping } from "./frames/typing.ts";
import { log } from "../lib/log.ts";

/** What the upgrade request's cookie or bearer token proved. */
export type Credentials = "none" | "valid" | "stale" | "unchecked";

/** Wires a freshly upgraded socket from `address` to the gateway. */
export function attachSocket(
  gw: Gateway,
  socket: WebSocket,
  caller: Caller | null,
  credentials: Credentials = caller ? "valid" : "none",
  address = "unknown",
): Connection {
  const connection = new Connection({
    id: newId(gw.deps.now()),
    socket: socket as SocketLike,
    now: gw.deps.now,
    rates: gw.settings.rates,
  });
  gw.hub.open.add(connection);
  // Claimed now, before any frame can arrive: an `identify` racing the cookie's `ready` loses.
  if (caller) connection.claimIdentity();
  // A valid cookie identifies the socket as soon as `ready` is sent: it is not anonymous.
  gw.admission.opened(connection, address, { anonymous: caller === null });
  socket.onopen = () => {
    connection.send({
      type: "hello",
      heartbeat_interval_ms: gw.settings.heartbeatIntervalMs,
      protocol: 1,
    });
    if (credentials === "stale") {
      // Said at once so a cookie-only client goes to log in; a token may still identify.
      connection.sendError(
        errors.unauthorized("The session cookie is invalid or expired"),
      );
    } else if (credentials === "unchecked") {
      connection.sendError(
        errors.unavailable("Cannot check the session now; reconnect"),
      );
      connection.close(CloseCode.goingAway, "Session check unavailable");
    }
    if (caller) {
      becomeReady(gw, connection, caller).catch((err) => {
        log.error("gateway.ready_failed", "gateway: ready failed", {
          socket_id: connection.id,
          user_id: caller.user.id,
          err,
        });
        connection.sendError(
          errors.unavailable("Cannot start the session; reconnect"),
        );
        connection.close(CloseCode.goingAway, "Cannot start the session");
      });
    }
  };
  socket.onmessage = (event) => dispatch(gw, connection, event.data);
  socket.onclose = () => void detach(gw, connection);
  socket.onerror = () => {/* onclose follows */};
  return connection;
}

async function detach(gw: Gateway, connection: Connection): Promise<void> {
  if (!gw.hub.open.delete(connection)) return; // cleaned up already (shutdown)
  gw.admission.closed(connection);
  connection.close(CloseCode.normal, "closed");
  gw.hub.remove(connection);
  const userId = connection.userId;
  log.debug("gateway.socket_closed", "gateway: socket closed", {
    socket_id: connection.id,
    user_id: userId ?? undefined,
  });
  if (!userId) return;
  try {
    for (const groupId of connection.clearTyping()) {
      await publishTyping(gw, userId, groupId, false);
    }
    const idle = idleTracker(gw.hub).forget(userId, connection.id);
    if (idle !== null) await announceIdle(gw.deps, userId, idle);
    await socketClosed(gw.deps, userId, connection.id);
  } catch (err) {
    log.warn("gateway.cleanup_failed", "gateway: cleanup after close failed", {
      socket_id: connection.id,
      user_id: userId,
      err,
    });
  }
}

/** Starts the periodic sweep; answers a function that stops it. */
export function startSweeper(gw: Gateway): () => void {
  const every = Math.max(
    50,
    Math.min(1000, gw.settings.heartbeatIntervalMs / 4),
  );
  const timer = setInterval(() => sweep(gw), every);
  return () => clearInterval(timer);
}

function sweep(gw: Gateway): void {
  const now = gw.deps.now();
  const deadline = 2 * gw.settings.heartbeatIntervalMs;
  for (const connection of gw.hub.open) {
    if (
      !connection.caller && now - connection.openedAt > limits.identifyTimeoutMs
    ) {
      connection.sendError(errors.unauthorized("No identify within 10 s"));
      connection.close(CloseCode.unauthorized, "Identify timeout");
    } else if (now - connection.lastFrameAt > deadline) {
      connection.close(CloseCode.heartbeatTimeout, "Heartbeat timeout");
    } else if (connection.userId) {
      for (const groupId of connection.expireTyping(now)) {
        publishTyping(gw, connection.userId, groupId, false).catch(() => {});
      }
    }
  }
}

/** Graceful shutdown, first step: tell every socket. */
export function noticeAll(gw: Gateway, text: string): void {
  for (const connection of gw.hub.open) {
    connection.send({ type: "server_notice", text, level: "warning" });
  }
}

/**
 * Graceful shutdown, second step: close every socket with 1001 and clean each up now (typing,
 * presence) rather than when its close handshake ends, which may be after the bus is gone.
 */
export async function closeAll(gw: Gateway): Promise<void> {
  const connections = [...gw.hub.open];
  for (const connection of connections) {
    connection.close(CloseCode.goingAway, "Server going away");
  }
  await Promise.all(connections.map((c) => detach(gw, c)));
}
