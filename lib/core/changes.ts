/**
 * Changing a message (PROTOCOL.md §4): edit, delete, react, unreact. The one flow behind the
 * socket frames and the HTTP routes: membership → read the message's current state (the bus's
 * pending state first, the store's copy only when the bus has none) → compute the next state with
 * the pure rules → append it to the bus as a compare-and-set on what was read. A `conflict`
 * (someone changed the message meanwhile) re-reads and tries again, a bounded number of times.
 * A change that changes nothing publishes nothing and answers the current state.
 */
import type { UpdateBasis } from "../bus/bus.ts";
import { ChatError, errors } from "../protocol/errors.ts";
import type { Message, User } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";
import { requireGroup, requireMember } from "./require.ts";
import { moderates } from "./permissions.ts";
import { type Actor, edit, react, remove } from "./message_rules.ts";
import { mentionsIn, withFloors } from "./messages.ts";
import { deleteMessageFiles } from "./attachment_cleanup.ts";
import { log } from "../log.ts";

/** What to change in message `seq` of `groupId`. */
export type ChangeInput =
  & { groupId: string; seq: number }
  & (
    | { kind: "edit"; text: string }
    | { kind: "delete" }
    | { kind: "react" | "unreact"; emoji: string }
  );

/** Attempts before a change that keeps conflicting answers `unavailable`. */
const maxAttempts = 10;

/** Applies a change as `user`; answers the message's state after it. */
export async function changeMessage(
  deps: CoreDeps,
  user: User,
  input: ChangeInput,
): Promise<Message> {
  const group = await requireGroup(deps, input.groupId);
  await requireMember(deps, input.groupId, user.id);
  // §4 delete: the author, or an owner or admin of the group (the §6 rule in permissions.ts).
  const actor: Actor = {
    userId: user.id,
    moderates: await moderates(deps, group, user.id),
  };
  const mentions = input.kind === "edit"
    ? await mentionsIn(deps, input.groupId, input.text)
    : undefined;
  const at = new Date(deps.now()).toISOString();
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const { state, basis } = await stateForChange(
      deps,
      input.groupId,
      input.seq,
    );
    const next = nextState(state, actor, input, { mentions, at });
    if (next === null) return state;
    const outcome = await withFloors(
      deps,
      input.groupId,
      (floors) =>
        deps.bus.appendUpdate(
          { message: next, basis, erase: input.kind === "delete" },
          floors,
        ),
    );
    if (outcome.status === "appended") {
      if (input.kind === "delete") await deleteFilesOf(deps, state);
      return outcome.message;
    }
    if (outcome.status === "need_floor") break;
  }
  throw new ChatError(
    "unavailable",
    "The message is changing too fast; try again",
    { group_id: input.groupId },
  );
}

/**
 * §5: a deleted message's files go with it (the tombstone no longer lists them). The deletion
 * stands even if this fails: the files then stay claimed, unlisted and unswept.
 */
async function deleteFilesOf(deps: CoreDeps, message: Message): Promise<void> {
  if (!deps.files || !message.attachments?.length) return;
  try {
    await deleteMessageFiles(deps.store, deps.files, message);
  } catch (err) {
    log.warn(
      "attachments.files_remain",
      "attachments: a deleted message's files remain",
      { err },
    );
  }
}

function nextState(
  state: Message,
  actor: Actor,
  input: ChangeInput,
  extra: { mentions: string[] | undefined; at: string },
): Message | null {
  switch (input.kind) {
    case "edit":
      return edit(state, actor, { text: input.text, ...extra });
    case "delete":
      return remove(state, actor);
    case "react":
    case "unreact":
      return react(state, actor, input.emoji, input.kind === "react");
  }
}

/** The message's current state and what a change of it is based on (see `lib/bus/bus.ts`). */
async function stateForChange(
  deps: CoreDeps,
  groupId: string,
  seq: number,
): Promise<{ state: Message; basis: UpdateBasis }> {
  const pending = await deps.bus.pendingStates(groupId, [seq]);
  const fromBus = pending.states.get(seq);
  if (fromBus?.rev !== undefined) {
    return { state: fromBus, basis: { pendingRev: fromBus.rev } };
  }
  const [stored] = await deps.store.messagesBySeqs(groupId, [seq]);
  if (!stored) {
    throw errors.notFound(`No message ${seq} in this group`, {
      group_id: groupId,
    });
  }
  return { state: stored, basis: { prunedRev: pending.prunedRev } };
}
