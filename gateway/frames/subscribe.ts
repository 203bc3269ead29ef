/**
 * `subscribe`: membership check, join the bus topic, then replay what the client missed (`since`)
 * and switch to live delivery with no gap and no duplicate. Answer: `subscribed`.
 */
import { groupHead, missedMessages } from "../../lib/core/history.ts";
import { errors, toChatError } from "../../lib/protocol/errors.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import {
  messageFrameText,
  type SubscribedGroup,
} from "../../lib/protocol/server_frames.ts";
import type { Message } from "../../lib/protocol/types.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";
import { GroupStream } from "../group_stream.ts";

export async function handleSubscribe(
  gw: Gateway,
  connection: Connection,
  frame: FrameOf<"subscribe">,
): Promise<void> {
  const groupIds = [...new Set(frame.group_ids)];
  const results = await Promise.all(groupIds.map(async (groupId) => {
    try {
      return await subscribeOne(
        gw,
        connection,
        groupId,
        frame.since?.[groupId],
      );
    } catch (err) {
      connection.sendError(toChatError(err), frame.ref);
      return null;
    }
  }));
  const subscribed = results.filter((r): r is SubscribedGroup => r !== null);
  // Always answered, even when every group failed (the errors came first).
  if (!connection.closed) {
    const ref = frame.ref === undefined ? {} : { ref: frame.ref };
    connection.send({ type: "subscribed", groups: subscribed, ...ref });
  }
}

async function subscribeOne(
  gw: Gateway,
  connection: Connection,
  groupId: string,
  since: number | undefined,
): Promise<SubscribedGroup | null> {
  const { deps, hub } = gw;
  if (!await deps.store.isMember(groupId, connection.userId!)) {
    throw errors.forbidden("You are not a member of this group", {
      group_id: groupId,
    });
  }
  if (connection.closed) return null;
  const stream = new GroupStream({
    sendText: (text) => connection.sendText(text),
    serialize: (message) => messageFrameText(message as Message),
    resync: () => connection.send({ type: "resync", group_id: groupId }),
    fill: (after, to) => missedMessages(deps, groupId, after, to),
    room: () => connection.room(),
  });
  connection.streams.get(groupId)?.close();
  connection.streams.set(groupId, stream);
  // Join the topic before reading the head: every later message then arrives live.
  await hub.link(connection, groupId);
  // A leave between the first check and the link published its `member_left` before this socket
  // listened, so nothing ended the new link: check again now that any later leave reaches it.
  if (!await deps.store.isMember(groupId, connection.userId!)) {
    hub.unsubscribe(connection, groupId);
    throw errors.forbidden("You are not a member of this group", {
      group_id: groupId,
    });
  }
  const head = await groupHead(deps, groupId);
  let replay: Message[] = [];
  if (since !== undefined && since !== head) {
    const missed = since < head
      ? await missedMessages(deps, groupId, since, head)
      : null;
    if (missed) replay = missed;
    else connection.send({ type: "resync", group_id: groupId });
  }
  await stream.begin(replay.length > 0 ? since! : head, replay);
  const online = await deps.presence.online(
    await deps.store.memberIds(groupId),
  );
  return { group_id: groupId, head_seq: head, online_user_ids: [...online] };
}
