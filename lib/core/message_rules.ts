/**
 * The rules of changing a message (PROTOCOL.md §4), as pure functions from the current state to
 * the next one, or `null` when the change changes nothing (and so publishes nothing). Who may
 * change what is decided here, never in an adapter.
 */
import { ChatError, errors } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";

/** Who asks for a change, and what they may do in the group. */
export interface Actor {
  userId: string;
  /** The group's owner: may delete anyone's message (admins join in with §6 roles). */
  moderates: boolean;
}

/** The author's new text; `mentions` already recomputed for it. */
export function edit(
  state: Message,
  actor: Actor,
  change: { text: string; mentions: string[] | undefined; at: string },
): Message | null {
  if (state.deleted) throw notFound(state);
  if (state.author.id !== actor.userId) {
    throw errors.forbidden("Only the author may edit a message", {
      group_id: state.group_id,
    });
  }
  if (
    state.text === change.text &&
    sameList(state.mentions, change.mentions)
  ) return null;
  const { mentions: _old, ...rest } = state;
  return {
    ...rest,
    text: change.text,
    edited_at: change.at,
    ...(change.mentions ? { mentions: change.mentions } : {}),
  };
}

/** The tombstone: id, seq, author and times stay; text, reactions and mentions are erased. */
export function remove(state: Message, actor: Actor): Message | null {
  if (state.deleted) return null;
  if (state.author.id !== actor.userId && !actor.moderates) {
    throw errors.forbidden(
      "Only the author or the group's owner may delete a message",
      { group_id: state.group_id },
    );
  }
  const tombstone: Message = {
    id: state.id,
    group_id: state.group_id,
    seq: state.seq,
    author: state.author,
    text: "",
    created_at: state.created_at,
    nonce: state.nonce,
    deleted: true,
  };
  if (state.edited_at !== undefined) tombstone.edited_at = state.edited_at;
  if (state.reply_to !== undefined) tombstone.reply_to = state.reply_to;
  return tombstone;
}

/** Adds (`add`) or removes the actor's reaction `emoji`. */
export function react(
  state: Message,
  actor: Actor,
  emoji: string,
  add: boolean,
): Message | null {
  if (state.deleted) throw notFound(state);
  const reactions = { ...state.reactions };
  const users = reactions[emoji] ?? [];
  const has = users.includes(actor.userId);
  if (has === add) return null;
  if (add) {
    if (
      users.length === 0 &&
      Object.keys(reactions).length >= limits.maxReactionsPerMessage
    ) {
      throw errors.badRequest(
        `A message carries at most ${limits.maxReactionsPerMessage} distinct emojis`,
      );
    }
    reactions[emoji] = [...users, actor.userId];
  } else {
    const left = users.filter((u) => u !== actor.userId);
    if (left.length > 0) reactions[emoji] = left;
    else delete reactions[emoji];
  }
  const { reactions: _old, ...rest } = state;
  return Object.keys(reactions).length > 0 ? { ...rest, reactions } : rest;
}

function notFound(state: Message): ChatError {
  return errors.notFound(`Message ${state.seq} was deleted`, {
    group_id: state.group_id,
  });
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return (a ?? []).join("\u0000") === (b ?? []).join("\u0000");
}
