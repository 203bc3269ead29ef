/**
 * What the reader does, turned into model changes, HTTP calls and socket frames: open a group
 * (its history loads over HTTP once), scroll back, send and retry, typing, reading, and group
 * membership. History is fetched again only on `resync`; everything else arrives on the socket.
 */
import { effect } from "@preact/signals-core";
import type { ServerFrame } from "../protocol/server_frames.ts";
import { limits } from "../protocol/limits.ts";
import type { Group } from "../protocol/types.ts";
import type { ApiClient } from "./api_client.ts";
import type { ChatModel } from "./chat_model.ts";
import type { Clock } from "./clock.ts";
import { HistoryLoader } from "./history_loader.ts";
import type { OutgoingFrame } from "./outgoing_frames.ts";
import { newestSeq } from "./timeline.ts";

/** The socket operations the controller needs (SocketClient implements it). */
export interface GatewayPort {
  readonly ready: boolean;
  send(frame: OutgoingFrame): boolean;
  subscribe(groupIds: readonly string[]): void;
  sendMessage(nonce: string): void;
}

/** Wiring of a ChatController. */
export interface ChatControllerOptions {
  model: ChatModel;
  api: Pick<
    ApiClient,
    | "messages"
    | "message"
    | "members"
    | "createGroup"
    | "joinGroup"
    | "leaveGroup"
  >;
  gateway: GatewayPort;
  clock: Clock;
  newNonce?: () => string;
  /** Page size of history requests. */
  pageSize?: number;
}

/** The result of trying to send: an error sentence when the text cannot be sent at all. */
export type SendResult = { ok: true } | { ok: false; error: string };

/** typing_start is repeated at most this often while the reader keeps typing. */
export const typingRepeatMs = 3_000;

/** The reader's actions. */
export class ChatController {
  readonly #o: ChatControllerOptions;
  /** History pages, jumps to a message and quoted messages, over HTTP. */
  readonly history: HistoryLoader;
  #typingGroup: string | null = null;
  #typingSentAt = 0;
  #disposeRead: (() => void) | null = null;
  /** When the open group's members were last reloaded because a stranger showed up. */
  #membersReload = { groupId: "", at: -Infinity };

  constructor(options: ChatControllerOptions) {
    this.#o = options;
    this.history = new HistoryLoader({
      model: options.model,
      api: options.api,
      pageSize: options.pageSize,
    });
  }

  /** Starts sending `read` whenever the reader sees new messages. */
  start(): void {
    this.#disposeRead ??= effect(() => this.#sendReadIfSeen());
  }

  /** Stops the read effect. */
  dispose(): void {
    this.#disposeRead?.();
    this.#disposeRead = null;
  }

  /** Opens a group: loads its newest page once, and its members. */
  async openGroup(groupId: string): Promise<void> {
    const { model } = this.#o;
    if (!model.hasGroup(groupId)) return;
    if (model.activeGroupId.value !== groupId) {
      this.stopTyping();
      model.composing.clear();
    }
    model.setActive(groupId);
    await Promise.all([
      this.#loadMembers(groupId),
      this.history.loadNewest(groupId),
    ]);
  }

  /**
   * Watches frames for someone the open group's member list does not hold (they joined after it
   * loaded) and reloads the list, at most every 5 s, so names and dots stay right.
   */
  noteFrame(frame: ServerFrame): void {
    const { model, clock } = this.#o;
    const groupId = model.activeGroupId.value;
    let userId: string | null = null;
    if (frame.type === "message" && frame.group_id === groupId) {
      userId = frame.message.author.id;
    } else if (
      (frame.type === "typing_start" || frame.type === "read_receipt") &&
      frame.group_id === groupId
    ) userId = frame.user_id;
    const members = groupId ? model.members.value.get(groupId) : undefined;
    if (
      !groupId || !userId || !members || members.some((m) => m.id === userId)
    ) return;
    const last = this.#membersReload;
    const now = clock.now();
    if (last.groupId === groupId && now - last.at < 5_000) return;
    this.#membersReload = { groupId, at: now };
    void this.#loadMembers(groupId);
  }

  /** Loads the page before the oldest held message (infinite scroll upwards). */
  loadOlder(groupId: string): Promise<void> {
    return this.history.loadOlder(groupId);
  }

  /** The server could not replay a group: drop it and, if it is open, load it again. */
  resync(groupId: string): Promise<void> {
    return this.history.reload(groupId);
  }

  /**
   * Sends text (and uploaded files) to the open group, as a reply when one is being written: shown at once as
   * pending, sent now or after reconnecting.
   */
  send(text: string, attachmentIds: readonly string[] = []): SendResult {
    const { model, gateway, clock } = this.#o;
    const groupId = model.activeGroupId.value;
    const body = text.trim();
    if (!groupId) return { ok: false, error: "Open a group first." };
    if (!body && !attachmentIds.length) {
      return { ok: false, error: "Type a message first." };
    }
    if (body.length > limits.maxTextChars) {
      return {
        ok: false,
        error: `Messages are limited to ${limits.maxTextChars} characters.`,
      };
    }
    const nonce = (this.#o.newNonce ?? (() => crypto.randomUUID()))();
    const replyTo = model.composing.replyIn(groupId) ?? undefined;
    const entry = model.outbox.enqueue(
      groupId,
      body,
      nonce,
      clock.now(),
      replyTo,
      attachmentIds,
    );
    if (!entry) {
      return {
        ok: false,
        error: "Too many unsent messages. Wait for the connection.",
      };
    }
    this.stopTyping();
    model.composing.replyTo.value = null;
    // Sending from a window detached by a jump goes back to the present to show it.
    if (model.timelineOf(groupId).hasNewer) void this.history.reload(groupId);
    gateway.sendMessage(nonce);
    return { ok: true };
  }

  /** Sends a failed message again with the same nonce. */
  retry(nonce: string): void {
    if (this.#o.model.outbox.markPending(nonce)) {
      this.#o.gateway.sendMessage(nonce);
    }
  }

  /** Gives up on an unsent message. */
  discard(nonce: string): void {
    this.#o.model.outbox.remove(nonce);
  }

  /** The reader typed in the open group: typing_start, at most every 3 s. */
  noteTyping(): void {
    const groupId = this.#o.model.activeGroupId.value;
    if (!groupId) return;
    const now = this.#o.clock.now();
    if (
      this.#typingGroup === groupId && now - this.#typingSentAt < typingRepeatMs
    ) return;
    if (this.#typingGroup && this.#typingGroup !== groupId) this.stopTyping();
    if (this.#o.gateway.send({ type: "typing_start", group_id: groupId })) {
      this.#typingGroup = groupId;
      this.#typingSentAt = now;
    }
  }

  /** The reader sent, cleared the box or left it: typing_stop if typing was announced. */
  stopTyping(): void {
    const groupId = this.#typingGroup;
    if (!groupId) return;
    this.#typingGroup = null;
    this.#o.gateway.send({ type: "typing_stop", group_id: groupId });
  }

  /** Whether the reader can see the newest messages of the open group. */
  setViewing(viewing: boolean): void {
    this.#o.model.setViewing(viewing);
  }

  /** Creates a group, subscribes to it and opens it. */
  async createGroup(name: string, isPublic: boolean): Promise<Group> {
    const group = await this.#o.api.createGroup(name, isPublic);
    this.#adopt(group);
    return group;
  }

  /** Joins a group, subscribes to it and opens it. */
  async joinGroup(groupId: string, inviteCode?: string): Promise<Group> {
    const group = await this.#o.api.joinGroup(groupId, inviteCode);
    this.#adopt(group);
    return group;
  }

  /** Leaves a group; the server ends the subscription. */
  async leaveGroup(groupId: string): Promise<void> {
    await this.#o.api.leaveGroup(groupId);
    if (this.#typingGroup === groupId) this.stopTyping();
    this.history.forget(groupId);
    this.#o.model.removeGroup(groupId);
  }

  #adopt(group: Group): void {
    const { model, gateway } = this.#o;
    const known = model.hasGroup(group.id);
    model.addGroup(group);
    if (!known) gateway.subscribe([group.id]);
    void this.openGroup(group.id);
  }

  async #loadMembers(groupId: string): Promise<void> {
    try {
      this.#o.model.setMembers(groupId, await this.#o.api.members(groupId));
    } catch {
      // The member list is a nicety; the group still works without it.
    }
  }

  /** Sends `read` up to the newest message while the reader is looking at it. */
  #sendReadIfSeen(): void {
    const { model, gateway } = this.#o;
    const groupId = model.activeGroupId.value;
    const connected = model.status.connection.value.status === "connected";
    if (!groupId || !model.viewing.value || !connected) return;
    const seq = newestSeq(model.timelineOf(groupId));
    const group = model.groups.value.find((g) => g.id === groupId);
    if (!group || seq <= (group.last_read_seq ?? 0)) {
      if (model.unreadOf(groupId) && seq) model.markRead(groupId, seq);
      return;
    }
    if (gateway.send({ type: "read", group_id: groupId, seq })) {
      model.markRead(groupId, seq);
    }
  }
}
