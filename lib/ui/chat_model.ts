/**
 * The browser's picture of the chat, as signals. Server frames and HTTP answers go in through
 * the methods below; islands only read. No I/O here: the socket client and the controller do it.
 */
import { batch, computed, signal } from "@preact/signals-core";
import type { ServerFrame, ServerFrameOf } from "../protocol/server_frames.ts";
import type { Group, Member, Message, User } from "../protocol/types.ts";
import { limits } from "../protocol/limits.ts";
import { type Clock, systemClock } from "./clock.ts";
import type {
  ConnectionState,
  ConnectionStatus,
  Notice,
} from "./connection_state.ts";
import { sendErrorText } from "./error_text.ts";
import { Outbox } from "./outbox.ts";
import { People } from "./people.ts";
import { ReadState } from "./read_state.ts";
import { deleteIn, setIn } from "./signal_map.ts";
import {
  emptyTimeline,
  insertMessage,
  mergePage,
  type Timeline,
} from "./timeline.ts";
import { TypingTracker } from "./typing_tracker.ts";

/** Tuning knobs; the defaults suit the browser. */
export interface ChatModelOptions {
  clock?: Clock;
  /** Live messages kept per group before the oldest are dropped. */
  maxMessagesPerGroup?: number;
  /** Unsent messages kept at most; more are refused. */
  maxOutbox?: number;
}

/** The chat state of one signed-in browser tab. */
export class ChatModel {
  readonly me = signal<User | null>(null);
  readonly groups = signal<readonly Group[]>([]);
  readonly activeGroupId = signal<string | null>(null);
  /** The reader can see the newest messages of the open group (tab visible, scrolled down). */
  readonly viewing = signal(false);
  readonly timelines = signal<ReadonlyMap<string, Timeline>>(new Map());
  readonly outbox: Outbox;
  readonly typing: TypingTracker;
  readonly #read = new ReadState();
  /** group id → unread count. */
  readonly unread = this.#read.unread;
  /** group id → user id → last read seq, from read receipts. */
  readonly reads = this.#read.receipts;
  readonly members = signal<ReadonlyMap<string, readonly Member[]>>(new Map());
  /** Every user seen so far, with presence. */
  readonly people = new People();
  readonly connection = signal<ConnectionState>({
    status: "connecting",
    attempt: 0,
  });
  readonly notice = signal<Notice | null>(null);

  /** The open group, or null. */
  readonly activeGroup = computed(() =>
    this.groups.value.find((g) => g.id === this.activeGroupId.value) ?? null
  );

  readonly #clock: Clock;
  readonly #cap: number;
  #hadReady = false;

  constructor(options: ChatModelOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#cap = options.maxMessagesPerGroup ?? 2000;
    this.outbox = new Outbox(options.maxOutbox ?? 100);
    this.typing = new TypingTracker(this.#clock, limits.typingTtlMs);
  }

  /** The timeline of a group (empty when never loaded). */
  timelineOf(groupId: string): Timeline {
    return this.timelines.value.get(groupId) ?? emptyTimeline;
  }

  /** Unread messages in a group. */
  unreadOf(groupId: string): number {
    return this.#read.unreadOf(groupId);
  }

  /** A user's name, or "Someone" before it is known. */
  nameOf(userId: string): string {
    return this.people.nameOf(userId);
  }

  /** Names of the others typing in a group, sorted. */
  typingNames(groupId: string): string[] {
    const me = this.me.value?.id;
    return this.typing.usersIn(groupId).filter((id) => id !== me).map((id) =>
      this.nameOf(id)
    )
      .sort((a, b) => a.localeCompare(b));
  }

  /** The newest seq seen per group, for `subscribe.since`. */
  lastSeqs(): Record<string, number> {
    return this.#read.lastSeqs();
  }

  /** Whether the reader is a member of the group. */
  hasGroup(groupId: string): boolean {
    return this.groups.value.some((g) => g.id === groupId);
  }

  /** Applies one server frame. Frames for groups the reader is not in are ignored. */
  applyFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "ready":
        return this.#onReady(frame);
      case "subscribed":
        return batch(() => {
          for (const g of frame.groups) {
            this.#bumpSeq(g.group_id, g.head_seq);
            // The list is complete: a known member missing from it went offline, perhaps
            // while this tab was disconnected and missed the presence frame.
            const online = new Set(g.online_user_ids);
            for (const m of this.members.value.get(g.group_id) ?? []) {
              this.people.setOnline(m.id, online.has(m.id));
            }
            for (const id of online) this.people.setOnline(id, true);
          }
        });
      case "unsubscribed":
        return batch(() =>
          frame.group_ids.forEach((id) => this.removeGroup(id))
        );
      case "message":
        return this.#onMessage(frame.group_id, frame.message);
      case "typing_start":
        if (
          !this.hasGroup(frame.group_id) || frame.user_id === this.me.value?.id
        ) return;
        return this.typing.start(frame.group_id, frame.user_id);
      case "typing_stop":
        return this.typing.stop(frame.group_id, frame.user_id);
      case "read_receipt":
        return this.#onReadReceipt(frame);
      case "presence":
        return batch(() => {
          this.people.setOnline(frame.user_id, frame.status === "online");
          this.people.setIdle(frame.user_id, frame.idle === true);
        });
      case "member_joined":
        return this.#onMemberJoined(frame.group_id, {
          ...frame.user,
          online: frame.online === true,
        });
      case "member_left":
        return this.#onMemberLeft(frame.group_id, frame.user_id);
      case "resync":
        return this.resetTimeline(frame.group_id);
      case "error":
        return this.#onError(frame);
      case "server_notice":
        return this.showNotice(frame.text, frame.level);
    }
  }

  /** Replaces the group list (first load), taking unread counts from the server. */
  setGroups(groups: readonly Group[]): void {
    batch(() => {
      for (const g of this.groups.value) {
        if (!groups.some((n) => n.id === g.id)) this.removeGroup(g.id);
      }
      this.groups.value = [...groups];
      for (const g of groups) this.#read.setUnread(g.id, g.unread_count ?? 0);
    });
  }

  /** Adds (or updates) a group the reader created or joined. */
  addGroup(group: Group): void {
    const list = this.groups.value;
    const at = list.findIndex((g) => g.id === group.id);
    if (at >= 0) {
      this.groups.value = list.map((
        g,
        i,
      ) => (i === at ? { ...g, ...group } : g));
      return;
    }
    batch(() => {
      this.groups.value = [...list, group];
      this.#read.setUnread(group.id, group.unread_count ?? 0);
    });
  }

  /** Forgets a group and everything held about it. */
  removeGroup(groupId: string): void {
    if (!this.hasGroup(groupId)) return;
    batch(() => {
      this.groups.value = this.groups.value.filter((g) => g.id !== groupId);
      deleteIn(this.timelines, groupId);
      this.#read.dropGroup(groupId);
      deleteIn(this.members, groupId);
      this.typing.dropGroup(groupId);
      this.outbox.dropGroup(groupId);
      if (this.activeGroupId.value === groupId) this.activeGroupId.value = null;
    });
  }

  /** Opens a group (or none). */
  setActive(groupId: string | null): void {
    this.activeGroupId.value = groupId;
  }

  /** Whether the reader sees the bottom of the open group. */
  setViewing(viewing: boolean): void {
    this.viewing.value = viewing;
  }

  /** Marks a history request in flight. */
  setTimelineLoading(groupId: string): void {
    this.#putTimeline(groupId, {
      ...this.timelineOf(groupId),
      loading: true,
      error: null,
    });
  }

  /** Records why a history request failed. */
  setTimelineError(groupId: string, error: string): void {
    this.#putTimeline(groupId, {
      ...this.timelineOf(groupId),
      loading: false,
      error,
    });
  }

  /** Merges a history page (oldest first). Unsent messages that it contains are done. */
  mergeHistory(
    groupId: string,
    messages: readonly Message[],
    hasMore: boolean,
  ): void {
    if (!this.hasGroup(groupId)) return;
    batch(() => {
      this.#putTimeline(
        groupId,
        mergePage(this.timelineOf(groupId), messages, hasMore),
      );
      for (const m of messages) {
        this.#settle(m);
        this.people.learn(m.author);
      }
      const newest = messages[messages.length - 1];
      if (newest) this.#bumpSeq(groupId, newest.seq);
    });
  }

  /** Drops a group's messages so the next open loads them again (after `resync`). */
  resetTimeline(groupId: string): void {
    if (this.hasGroup(groupId)) this.#putTimeline(groupId, emptyTimeline);
  }

  /** Stores a group's member list and their presence. */
  setMembers(groupId: string, members: readonly Member[]): void {
    if (!this.hasGroup(groupId)) return;
    batch(() => {
      setIn(this.members, groupId, members);
      for (const m of members) {
        this.people.learn(m);
        this.people.setOnline(m.id, m.online);
      }
    });
  }

  /** Adds a new member to a loaded member list (an unloaded one gets it on load). */
  #onMemberJoined(groupId: string, member: Member): void {
    const members = this.members.value.get(groupId);
    batch(() => {
      this.people.learn(member);
      this.people.setOnline(member.id, member.online);
      if (members && !members.some((m) => m.id === member.id)) {
        setIn(this.members, groupId, [...members, member]);
      }
    });
  }

  /** Removes a member who left from a loaded member list. */
  #onMemberLeft(groupId: string, userId: string): void {
    const members = this.members.value.get(groupId);
    if (!members?.some((m) => m.id === userId)) return;
    setIn(this.members, groupId, members.filter((m) => m.id !== userId));
  }

  /** Records that the reader has read a group up to `seq`. */
  markRead(groupId: string, seq: number): void {
    batch(() => {
      this.groups.value = this.groups.value.map((g) =>
        g.id === groupId && (g.last_read_seq ?? 0) < seq
          ? { ...g, last_read_seq: seq }
          : g
      );
      if (seq >= this.#read.lastSeq(groupId)) this.#read.setUnread(groupId, 0);
    });
  }

  /** Updates the connection indicator. */
  setConnection(status: ConnectionStatus, attempt = 0): void {
    const c = this.connection.value;
    if (c.status !== status || c.attempt !== attempt) {
      this.connection.value = { status, attempt };
    }
  }

  /** Shows a one-line notice. */
  showNotice(text: string, level: Notice["level"] = "info"): void {
    this.notice.value = { text, level };
  }

  /** Hides the notice. */
  dismissNotice(): void {
    this.notice.value = null;
  }

  /** Stops timers (typing expiry). */
  dispose(): void {
    this.typing.dispose();
  }

  #onReady(frame: ServerFrameOf<"ready">): void {
    batch(() => {
      this.me.value = frame.user;
      this.people.learn(frame.user);
      if (!this.#hadReady) return this.setGroups(frame.groups);
      // A notice from before the drop ("the server is restarting…") is stale once back.
      this.notice.value = null;
      // After a reconnect the replay brings the missed messages and counts them itself, so
      // local unread counts stay; only groups joined or left meanwhile change.
      for (const g of this.groups.value) {
        if (!frame.groups.some((n) => n.id === g.id)) this.removeGroup(g.id);
      }
      for (const g of frame.groups) this.addGroup(g);
    });
    this.#hadReady = true;
  }

  #onMessage(groupId: string, m: Message): void {
    if (!this.hasGroup(groupId)) return;
    batch(() => {
      const fresh = this.#read.see(groupId, m.seq);
      this.#putTimeline(
        groupId,
        insertMessage(this.timelineOf(groupId), m, this.#cap),
      );
      this.#settle(m);
      this.people.learn(m.author);
      this.typing.stop(groupId, m.author.id);
      const seen = this.activeGroupId.value === groupId && this.viewing.value;
      const lastRead = this.groups.value.find((g) =>
        g.id === groupId
      )?.last_read_seq ?? 0;
      if (
        fresh && !seen && m.author.id !== this.me.value?.id && m.seq > lastRead
      ) {
        this.#read.setUnread(groupId, this.unreadOf(groupId) + 1);
      }
    });
  }

  #onReadReceipt(f: ServerFrameOf<"read_receipt">): void {
    if (!this.hasGroup(f.group_id)) return;
    if (f.user_id === this.me.value?.id) {
      return this.markRead(f.group_id, f.seq);
    }
    this.#read.receipt(f.group_id, f.user_id, f.seq);
  }

  #onError(f: ServerFrameOf<"error">): void {
    if (f.nonce && this.outbox.get(f.nonce)) {
      return this.outbox.markFailed(
        f.nonce,
        sendErrorText(f.code, f.message, f.retry_after_ms),
      );
    }
    // A subscribe refused for a group means the reader is no longer in it.
    if (f.group_id && (f.code === "forbidden" || f.code === "not_found")) {
      return this.removeGroup(f.group_id);
    }
    this.showNotice(
      sendErrorText(f.code, f.message, f.retry_after_ms),
      "warning",
    );
  }

  /** Removes the outbox entry that a message from the reader answers. */
  #settle(m: Message): void {
    if (m.nonce && m.author.id === this.me.value?.id) {
      this.outbox.remove(m.nonce);
    }
  }

  #bumpSeq(groupId: string, seq: number): void {
    if (this.hasGroup(groupId)) this.#read.see(groupId, seq);
  }

  #putTimeline(groupId: string, t: Timeline): void {
    if (this.timelines.value.get(groupId) !== t) {
      setIn(this.timelines, groupId, t);
    }
  }
}
