/**
 * `subscribe`: membership check, join the bus topic, then replay what the client missed
 * (`since_rev` by event rev, or `since` by message seq) and switch to live delivery with no gap
 * and no duplicate. Answer: `subscribed`.
 */
import {
  groupHead,
  groupHeadRev,
  missedMessages,
} from "../../lib/core/history.ts";
import { missedEvents } from "../../lib/core/replay.ts";
import { errors, toChatError } from "../../lib/protocol/errors.ts";
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import {
  eventFrameText,
  messageFrameText,
  type SubscribedGroup,
} from "../../lib/protocol/server_frames.ts";
import type { Connection } from "../connection.ts";
import type { Gateway } from "../context.ts";
import { streamItem } from "../fanout.ts";
import { type FillMissed, GroupStream } from "../group_stream.ts";
import type { CoreDeps } from "../../lib/core/deps.ts";

/** Each instance's one gap-fill source, shared by all of its streams. */
const fills = new WeakMap<CoreDeps, FillMissed>();

function fillFrom(deps: CoreDeps): FillMissed {
  let fill = fills.get(deps);
  if (!fill) {
    fill = async (groupId, after, to) =>
      (await missedEvents(deps, groupId, after, to))?.map(streamItem) ?? null;
    fills.set(deps, fill);
  }
  return fill;
}

/** Where a client says it stands in a group. */
type Resume = { rev: number } | { seq: number } | null;

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
        resumeOf(frame, groupId),
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

/** `since_rev` wins over `since` for the same group (§4). */
function resumeOf(frame: FrameOf<"subscribe">, groupId: string): Resume {
  const rev = frame.since_rev?.[groupId];
  if (rev !== undefined) return { rev };
  const seq = frame.since?.[groupId];
  return seq === undefined ? null : { seq };
}

async function subscribeOne(
  gw: Gateway,
  connection: Connection,
  groupId: string,
  resume: Resume,
): Promise<SubscribedGroup | null> {
  const { deps, hub } = gw;
  if (!await deps.store.isMember(groupId, connection.userId!)) {
    throw errors.forbidden("You are not a member of this group", {
      group_id: groupId,
    });
  }
  if (connection.closed) return null;
  const stream = new GroupStream(groupId, connection, fillFrom(deps));
  connection.streams.get(groupId)?.close();
  connection.streams.set(groupId, stream);
  // Join the topic before reading the heads: every later event then arrives live. The rev is
  // read first: a message appended between the two reads is then both live and (by seq)
  // replayable, and the stream's seq floor drops the second copy.
  await hub.link(connection, groupId);
  // A leave between the first check and the link published its `member_left` before this socket
  // listened, so nothing ended the new link: check again now that any later leave reaches it.
  if (!await deps.store.isMember(groupId, connection.userId!)) {
    hub.unsubscribe(connection, groupId);
    throw errors.forbidden("You are not a member of this group", {
      group_id: groupId,
    });
  }
  const headRev = await groupHeadRev(deps, groupId);
  const head = await groupHead(deps, groupId);
  const replay = await replayFor(gw, connection, groupId, resume, {
    rev: headRev,
    seq: head,
  });
  await stream.begin(headRev, replay.texts, replay.seqFloor);
  const online = await deps.presence.online(
    await deps.store.memberIds(groupId),
  );
  return {
    group_id: groupId,
    head_seq: head,
    head_rev: headRev,
    online_user_ids: [...online],
  };
}

/** The frames of the replay the client asked for; `resync` when it cannot be served. */
async function replayFor(
  gw: Gateway,
  connection: Connection,
  groupId: string,
  resume: Resume,
  heads: { rev: number; seq: number },
): Promise<{ texts: string[]; seqFloor: number }> {
  const none = { texts: [], seqFloor: 0 };
  if (resume === null) return none;
  if ("rev" in resume) {
    if (resume.rev === heads.rev) return none;
    const missed = resume.rev < heads.rev
      ? await missedEvents(gw.deps, groupId, resume.rev, heads.rev)
      : null;
    if (missed) return { texts: missed.map(eventFrameText), seqFloor: 0 };
  } else {
    if (resume.seq === heads.seq) return none;
    const missed = resume.seq < heads.seq
      ? await missedMessages(gw.deps, groupId, resume.seq, heads.seq)
      : null;
    // A replay by seq knows no event revs: its frames carry none (§1 clients need none).
    if (missed) {
      return {
        texts: missed.map((m) => messageFrameText(m)),
        seqFloor: heads.seq,
      };
    }
  }
  connection.send({ type: "resync", group_id: groupId });
  return none;
}
