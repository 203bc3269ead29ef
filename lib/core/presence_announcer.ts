/** Turns presence transitions into one cluster-wide `presence` event naming the user's groups. */
import { topics } from "../bus/topics.ts";
import type { CoreDeps } from "./deps.ts";

/** Records a socket; tells the cluster when it is the user's first anywhere. */
export async function socketOpened(
  deps: CoreDeps,
  userId: string,
  connectionId: string,
) {
  if (await deps.presence.connect(userId, connectionId)) {
    await announce(deps, userId, "online");
  }
}

/** Forgets a socket; tells the cluster when it was the user's last anywhere. */
export async function socketClosed(
  deps: CoreDeps,
  userId: string,
  connectionId: string,
) {
  if (await deps.presence.disconnect(userId, connectionId)) {
    await announce(deps, userId, "offline");
  }
}

/** Publishes a presence change to every group the user belongs to. */
export async function announce(
  deps: CoreDeps,
  userId: string,
  status: "online" | "offline",
) {
  const groups = await deps.store.groupsOfUser(userId);
  await deps.bus.publish(topics.control, {
    kind: "presence",
    user_id: userId,
    status,
    group_ids: groups.map((g) => g.id),
  });
}
