/**
 * How the Redis bus's two append scripts are called: the KEYS and ARGV of a new message
 * (`appendLua`) and of a change (`updateLua`). Both refuse, before anything reaches Redis, a
 * floor that is not a counter and a state that subscribers would drop when parsing it.
 */
import { messageSchema } from "../protocol/bus_events.ts";
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import {
  checkFloors,
  type Floors,
  type MessageDraft,
  recoveryBuffer,
  type UpdateDraft,
} from "./bus.ts";
import { topics } from "./topics.ts";
import { busKeys } from "./_keys.ts";

type Args = (string | number)[];

/** The arguments of `appendLua` for a new message. */
export function appendArgs(
  draft: MessageDraft,
  floors: Floors,
  maxBacklog: number,
): Args {
  const fields = {
    id: draft.id,
    group_id: draft.group_id,
    author: { id: draft.author.id, username: draft.author.username },
    text: draft.text,
    created_at: draft.created_at,
    nonce: draft.nonce,
    ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
    ...(draft.reply_to === undefined ? {} : { reply_to: draft.reply_to }),
    ...(draft.mentions === undefined ? {} : { mentions: draft.mentions }),
  };
  // Every subscriber parses what it receives: a message it would drop must not get a seq.
  checkState({ ...fields, seq: 1, rev: 1 });
  const g = draft.group_id;
  return [
    ...groupKeys(g, draft.author.id, draft.nonce),
    JSON.stringify(fields),
    ...floorArgs(floors),
    draft.nonce === null ? "" : String(limits.nonceTtlMs),
    ...commitArgs(g, maxBacklog),
  ];
}

/** The arguments of `updateLua` for a change to a message. */
export function updateArgs(
  draft: UpdateDraft,
  floors: Floors,
  maxBacklog: number,
): Args {
  // seq first: the script reads it, and splices the rev in front.
  const { rev: _rev, seq, ...rest } = draft.message;
  const state = { seq, ...rest };
  checkState({ ...state, rev: 1 });
  const g = state.group_id;
  const basis = "pendingRev" in draft.basis
    ? ["pending", draft.basis.pendingRev]
    : ["pruned", draft.basis.prunedRev];
  return [
    ...groupKeys(g, state.author.id, state.nonce),
    busKeys.pruned(g),
    JSON.stringify(state),
    String(state.seq),
    basis[0],
    String(basis[1]),
    draft.erase ? "1" : "",
    ...floorArgs(floors),
    ...commitArgs(g, maxBacklog),
  ];
}

/** KEYS 1–7 shared by both append scripts. */
function groupKeys(groupId: string, authorId: string, nonce: string | null) {
  return [
    busKeys.seq(groupId),
    busKeys.rev(groupId),
    busKeys.recent(groupId),
    busKeys.nonce(groupId, authorId, nonce ?? ""),
    busKeys.handoff,
    busKeys.pending(groupId),
    busKeys.persisted(groupId),
  ];
}

/** The ARGV tail of `commit` in both append scripts (the last is the backlog bound). */
function commitArgs(groupId: string, maxBacklog: number): Args {
  return [
    recoveryBuffer.maxEvents,
    recoveryBuffer.maxAgeMs,
    topics.group(groupId),
    JSON.stringify(groupId),
    maxBacklog,
  ];
}

/** The floors as script arguments ("" for none). */
function floorArgs(floors: Floors): string[] {
  checkFloors(floors);
  const given = floors.floorSeq !== undefined || floors.floorRev !== undefined;
  return given
    ? [String(floors.floorSeq ?? 0), String(floors.floorRev ?? 0)]
    : ["", ""];
}

/** Refuses a state subscribers would drop when parsing it. */
function checkState(state: unknown): void {
  const check = messageSchema.safeParse(state);
  if (!check.success) {
    throw new ChatError(
      "bad_request",
      `Cannot append: ${check.error.issues[0]?.message}`,
    );
  }
}
