/**
 * What the reader does to messages already sent (PROTOCOL.md §4): reply, edit in place, delete,
 * react. Changes go out as socket frames when the socket is ready (the result comes back as
 * `message_update`, like everyone else's) and over HTTP otherwise (the answer is applied at once).
 */
import { limits } from "../protocol/limits.ts";
import type { Message } from "../protocol/types.ts";
import { type ApiClient, ApiError } from "./api_client.ts";
import type { ChatModel } from "./chat_model.ts";
import { actionRefPrefix } from "./error_frames.ts";
import type { MessageChange, OutgoingFrame } from "./outgoing_frames.ts";
import {
  type EmojiStorage,
  pickerEmojis,
  recentEmojis,
  rememberEmoji,
} from "./recent_emojis.ts";

/** At most this many distinct emojis per message (§4). */
export const maxReactionEmojis = 20;

/** The socket side the actions need. */
export interface ChangeGateway {
  readonly ready: boolean;
  send(frame: OutgoingFrame): boolean;
}

/** Wiring of MessageActions. */
export interface MessageActionsOptions {
  model: ChatModel;
  api: Pick<ApiClient, "editMessage" | "deleteMessage" | "setReaction">;
  gateway: ChangeGateway;
  /** Where recently used emojis are kept (localStorage in the browser). */
  storage?: EmojiStorage | null;
}

/** The result of saving an edit: an error sentence when the text cannot be saved. */
export type EditResult = { ok: true } | { ok: false; error: string };

/** Reply, edit, delete and react, for the open group. */
export class MessageActions {
  readonly #o: MessageActionsOptions;
  #ref = 0;

  constructor(options: MessageActionsOptions) {
    this.#o = options;
  }

  /** Whether the reader may edit a message: their own, not deleted. */
  canEdit(m: Message): boolean {
    return !m.deleted && m.author.id === this.#o.model.me.value?.id;
  }

  /** Whether the reader may delete a message: their own, or any as the group's owner or admin. */
  canDelete(m: Message): boolean {
    const { model } = this.#o;
    const me = model.me.value?.id;
    if (m.deleted || !me) return false;
    if (m.author.id === me) return true;
    const group = model.groups.value.find((g) => g.id === m.group_id);
    if (!group || group.kind === "dm") return false;
    const role = model.members.value.get(m.group_id)?.find((x) => x.id === me)
      ?.role;
    return group.owner_id === me || role === "owner" || role === "admin";
  }

  /** Starts replying to a message of the open group. */
  startReply(seq: number): void {
    const groupId = this.#o.model.activeGroupId.value;
    if (!groupId) return;
    this.#o.model.composing.editing.value = null;
    this.#o.model.composing.replyTo.value = { groupId, seq };
  }

  /** Stops replying. */
  cancelReply(): void {
    this.#o.model.composing.replyTo.value = null;
  }

  /** Opens a message of the open group for editing in place (when the reader may edit it). */
  startEdit(seq: number): boolean {
    const { model } = this.#o;
    const groupId = model.activeGroupId.value;
    const m = groupId ? model.messageOf(groupId, seq) : undefined;
    if (!groupId || !m || !this.canEdit(m)) return false;
    model.composing.editing.value = { groupId, seq };
    return true;
  }

  /** Edits the reader's newest message in the open group (Up in an empty composer). */
  editLast(): boolean {
    const { model } = this.#o;
    const groupId = model.activeGroupId.value;
    if (!groupId) return false;
    const mine = model.timelineOf(groupId).messages.findLast((m) =>
      this.canEdit(m)
    );
    return mine ? this.startEdit(mine.seq) : false;
  }

  /** Closes the edit box without saving. */
  cancelEdit(): void {
    this.#o.model.composing.editing.value = null;
  }

  /** Saves the edited text; unchanged text just closes the box. */
  saveEdit(text: string): EditResult {
    const { model } = this.#o;
    const editing = model.composing.editing.value;
    if (!editing) return { ok: true };
    const body = text.trim();
    if (!body) {
      return {
        ok: false,
        error: "A message cannot be empty. Delete it instead.",
      };
    }
    if (body.length > limits.maxTextChars) {
      return {
        ok: false,
        error: `Messages are limited to ${limits.maxTextChars} characters.`,
      };
    }
    model.composing.editing.value = null;
    const held = model.messageOf(editing.groupId, editing.seq);
    if (held?.text === body) return { ok: true };
    const { groupId, seq } = editing;
    void this.#change(
      { type: "edit", group_id: groupId, seq, text: body },
      (api) => api.editMessage(groupId, seq, body),
    );
    return { ok: true };
  }

  /** Deletes a message of the open group (the view asked for confirmation). */
  async remove(seq: number): Promise<void> {
    const groupId = this.#o.model.activeGroupId.value;
    if (!groupId) return;
    if (this.#o.model.composing.isEditing(groupId, seq)) this.cancelEdit();
    await this.#change(
      { type: "delete", group_id: groupId, seq },
      (api) => api.deleteMessage(groupId, seq),
    );
  }

  /** Adds the reader's reaction, or removes it when it is there (a chip clicked). */
  async toggleReaction(seq: number, emoji: string): Promise<void> {
    const { model } = this.#o;
    const groupId = model.activeGroupId.value;
    const m = groupId ? model.messageOf(groupId, seq) : undefined;
    const me = model.me.value?.id;
    if (!groupId || !m || !me || m.deleted) return;
    const reactions = m.reactions ?? {};
    const on = !(reactions[emoji] ?? []).includes(me);
    if (
      on && !(emoji in reactions) &&
      Object.keys(reactions).length >= maxReactionEmojis
    ) {
      model.status.show(
        `A message can have at most ${maxReactionEmojis} different reactions.`,
        "warning",
      );
      return;
    }
    if (on) rememberEmoji(this.#o.storage ?? null, emoji);
    await this.#change(
      { type: on ? "react" : "unreact", group_id: groupId, seq, emoji },
      (api) => api.setReaction({ groupId, seq, emoji }, on),
    );
  }

  /** Adds a reaction picked from the picker (an existing one of the reader's stays). */
  async react(seq: number, emoji: string): Promise<void> {
    const { model } = this.#o;
    const groupId = model.activeGroupId.value;
    const m = groupId ? model.messageOf(groupId, seq) : undefined;
    const me = model.me.value?.id;
    if (!m || !me || (m.reactions?.[emoji] ?? []).includes(me)) return;
    await this.toggleReaction(seq, emoji);
  }

  /** The picker's emojis: the `recent` recently used first, then the built-in ones. */
  emojis(): { emojis: string[]; recent: number } {
    const storage = this.#o.storage ?? null;
    return {
      emojis: pickerEmojis(storage),
      recent: recentEmojis(storage).length,
    };
  }

  /** Sends a change as a frame, or over HTTP when the socket is not ready. */
  async #change(
    change: MessageChange,
    overHttp: (api: MessageActionsOptions["api"]) => Promise<Message>,
  ): Promise<void> {
    const { model, gateway, api } = this.#o;
    const ref = `${actionRefPrefix}${++this.#ref}`;
    if (gateway.ready && gateway.send({ ...change, ref })) return;
    try {
      model.applyMessageState(await overHttp(api));
    } catch (err) {
      model.status.show(
        err instanceof ApiError ? err.message : "Could not change the message.",
        "warning",
      );
    }
  }
}
