/**
 * After the bus comes back from an outage, membership and logout events published meanwhile may
 * never have arrived. This pass re-checks every local socket against the store: a socket whose
 * session ended is closed with 4001, a subscription to a group the user left ends with
 * `unsubscribed`. It runs once per outage and touches only this instance's sockets.
 */
import type { Connection } from "./connection.ts";
import type { Gateway } from "./context.ts";
import { log } from "../lib/log.ts";

/** Sockets checked at once, so a large instance does not flood the store. */
const batchSize = 50;

export async function revalidateSockets(gw: Gateway): Promise<void> {
  const connections = [...gw.hub.connections.values()];
  for (let i = 0; i < connections.length; i += batchSize) {
    await Promise.all(
      connections.slice(i, i + batchSize).map((c) => revalidate(gw, c)),
    );
  }
}

async function revalidate(gw: Gateway, connection: Connection): Promise<void> {
  const caller = connection.caller;
  if (!caller || connection.closed) return;
  try {
    if (!await gw.deps.store.sessionByTokenHash(caller.tokenHash)) {
      return connection.endSession();
    }
    for (const groupId of [...connection.streams.keys()]) {
      if (await gw.deps.store.isMember(groupId, caller.user.id)) continue;
      gw.hub.unsubscribe(connection, groupId);
      connection.send({ type: "unsubscribed", group_ids: [groupId] });
    }
  } catch (err) {
    log.warn("gateway.recheck_failed", "gateway: could not re-check a socket", {
      socket_id: connection.id,
      user_id: caller.user.id,
      err,
    });
  }
}
