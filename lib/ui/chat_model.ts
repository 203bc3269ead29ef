/**
 * The browser's picture of the chat, as signals. Server frames and HTTP answers go in through
 * the methods below; islands only read. No I/O here: the socket client and the controller do it.
 */
import { batch, computed, signal } from "@preact/signals-core";
import type { ServerFrame, ServerFrameOf } from "../protocol/server_frames.ts";
import type { Group, Member, Message, User } from "../protocol/types.ts";
import { limits } from "../protocol/limits.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Composing } from "./composing.ts";
import { StatusLine } from "./connection_state.ts";
import { errorOutcome } from "./error_frames.ts";
import { Outbox } from "./outbox.ts";
import { People } from "./people.ts";
import { ReadState } from "./read_state.ts";
import { MemberLists } from "./member_lists.ts";
import { MessageFeed } from "./message_feed.ts";
import type { QuotedMessages } from "./quoted_messages.ts";
import type { PageBounds, Timeline } from "./timeline.ts";
import type { Timelines } from "./timelines.ts";
import { TypingTracker } from "./typing_tracker.ts";
import type { CountContext } from "./unread_rules.ts";

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
  readonly #feed: MessageFeed;
  /** group id → Timeline. */
  readonly timelines: Timelines["map"];
  /** Messages quoted by replies that no timeline holds. */
  readonly quoted: QuotedMessages;
  readonly outbox: Outbox;
  readonly typing: TypingTracker;
  readonly #read = new ReadState();
  /** group id → unread count. */
  readonly unread = this.#read.unread;
  /** group id → unread messages that mention the reader. */
  readonly mentions = this.#read.mentions;
  /** group id → user id → last read seq, from read receipts. */
  readonly reads = this.#read.receipts;
  /** Every user seen so far, with presence. */
  readonly people = new People();
  readonly #members = new MemberLists(this.people);
  /** group id → members, for groups whose list was loaded. */
  readonly members = this.#members.lists;
  /** The connection indicator and the one-line notice. */
  readonly status = new StatusLine();
  /** The reply, edit and jump the reader is in the middle of. */
  readonly composing = new Composing();

  /** The open group, or null. */
  readonly activeGroup = computed(() =>
    this.groups.value.find((g) => g.id === this.activeGroupId.value) ?? null
  );

  readonly #clock: Clock;
  #hadReady = false;

  constructor(options: ChatModelOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#feed = new MessageFeed(
      this.#read,
      options.maxMessagesPerGroup ?? 2000,
    );
    this.timelines = this.#feed.timelines.map;
    this.quoted = this.#feed.quoted;
    this.outbox = new Outbox(options.maxOutbox ?? 100);
    this.typing = new TypingTracker(this.#clock, limits.typingTtlMs);
  }

  /** The timeline of a group (empty when never loaded). */
  timelineOf(groupId: string): Timeline {
    return this.#feed.timelines.of(groupId);
  }

  /** A message as best known: the timeline's copy, else a fetched quote. */
  messageOf(groupId: string, seq: number): Message | undefined {
    return this.#feed.find(groupId, seq);
  }

  /** Unread messages in a group. */
  unreadOf(groupId: string): number {
    return this.#read.unreadOf(groupId);
  }

  /** Unread messages mentioning the reader in a group. */
  mentionsOf(groupId: string): number {
    return this.#read.mentionsOf(groupId);
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

  /** The highest event rev seen per group, for `subscribe.since_rev`. */
  lastRevs(): Record<string, number> {
    return this.#read.lastRevs();
  }

  /** The newest seq seen in a group, or -1 when none is known yet. */
  lastSeqOf(groupId: string): number {
    return this.#read.lastSeq(groupId);
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
            if (g.head_rev !== undefined && this.hasGroup(g.group_id)) {
              this.#read.seeRev(g.group_id, g.head_rev);
            }
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
        return this.#onMessage(frame.group_id, frame.message, frame.rev);
      case "message_update":
        return this.#onUpdate(frame.group_id, frame.message, frame.rev);
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
        return this.#members.joined(frame.group_id, {
          ...frame.user,
          online: frame.online === true,
        });
      case "member_left":
        return this.#members.left(frame.group_id, frame.user_id);
      case "resync":
        return this.resetTimeline(frame.group_id);
      case "error":
        return this.#onError(frame);
      case "server_notice":
        return this.status.show(frame.text, frame.level);
    }
  }

  /** Replaces the group list (first load), taking unread counts from the server. */
  setGroups(groups: readonly Group[]): void {
    batch(() => {
      for (const g of this.groups.value) {
        if (!groups.some((n) => n.id === g.id)) this.removeGroup(g.id);
      }
      this.groups.value = [...groups];
      for (const g of groups) this.#takeCounts(g);
    });
  }

  /** Adds (or updates) a group the reader created or joined. */
  addGroup(group: Group): void {
    const list = this.groups.value;
    const at = list.findIndex((g) => g.id === group.id);
    if (at >= 0) {
      this.groups.value = list.map((g, i) => i === at ? { ...g, ...group } : g);
      return;
    }
    batch(() => {
      this.groups.value = [...list, group];
      this.#takeCounts(group);
    });
  }

  /** Forgets a group and everything held about it. */
  removeGroup(groupId: string): void {
    if (!this.hasGroup(groupId)) return;
    batch(() => {
      this.groups.value = this.groups.value.filter((g) => g.id !== groupId);
      this.#feed.dropGroup(groupId);
      this.#read.dropGroup(groupId);
      this.#members.drop(groupId);
      this.typing.dropGroup(groupId);
      this.outbox.dropGroup(groupId);
      if (this.activeGroupId.value === groupId) {
        this.activeGroupId.value = null;
        this.composing.clear();
      }
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
    this.#feed.timelines.setLoading(groupId);
  }

  /** Records why a history request failed. */
  setTimelineError(groupId: string, error: string): void {
    this.#feed.timelines.setError(groupId, error);
  }

  /**
   * Merges a history page (oldest first); `bounds` is `has_more`, or with `has_more_after` for
   * pages around or after a seq. Unsent messages that it contains are done.
   */
  mergeHistory(
    groupId: string,
    messages: readonly Message[],
    bounds: PageBounds | boolean,
  ): void {
    if (!this.hasGroup(groupId)) return;
    const b = typeof bounds === "boolean" ? { hasMore: bounds } : bounds;
    batch(() => {
      this.#feed.timelines.merge(groupId, messages, b);
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
    if (this.hasGroup(groupId)) this.#feed.timelines.reset(groupId);
  }

  /** Keeps a message fetched for a reply's quote. */
  putQuoted(m: Message): void {
    if (this.hasGroup(m.group_id)) this.quoted.put(m);
  }

  /** Applies a message state answered over HTTP (an edit, delete or reaction made there). */
  applyMessageState(m: Message): void {
    this.#onUpdate(m.group_id, m);
  }

  /** Stores a group's member list and their presence. */
  setMembers(groupId: string, members: readonly Member[]): void {
    if (this.hasGroup(groupId)) this.#members.set(groupId, members);
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
      this.status.dismiss();
      // After a reconnect the replay brings the missed messages and counts them itself, so
      // local unread counts stay; only groups joined or left meanwhile change.
      for (const g of this.groups.value) {
        if (!frame.groups.some((n) => n.id === g.id)) this.removeGroup(g.id);
      }
      for (const g of frame.groups) this.addGroup(g);
    });
    this.#hadReady = true;
  }

  #onMessage(groupId: string, m: Message, rev?: number): void {
    if (!this.hasGroup(groupId) || m.group_id !== groupId) return;
    batch(() => {
      const seen = this.activeGroupId.value === groupId && this.viewing.value;
      this.#feed.message(m, rev, { ...this.#countContext(groupId), seen });
      this.#settle(m);
      this.people.learn(m.author);
      this.typing.stop(groupId, m.author.id);
    });
  }

  /** A later state of a message (edit, deletion, reaction), replaced in place. */
  #onUpdate(groupId: string, m: Message, rev?: number): void {
    if (!this.hasGroup(groupId) || m.group_id !== groupId) return;
    batch(() => this.#feed.update(m, rev, this.#countContext(groupId)));
  }

  #countContext(groupId: string): CountContext {
    const g = this.groups.value.find((g) => g.id === groupId);
    return {
      meId: this.me.value?.id ?? null,
      lastReadSeq: g?.last_read_seq ?? 0,
      isDm: g?.kind === "dm",
    };
  }

  #takeCounts(g: Group): void {
    this.#read.setUnread(g.id, g.unread_count ?? 0);
    this.#read.setMentions(g.id, g.mention_count ?? 0);
  }

  #onReadReceipt(f: ServerFrameOf<"read_receipt">): void {
    if (!this.hasGroup(f.group_id)) return;
    if (f.user_id === this.me.value?.id) {
      return this.markRead(f.group_id, f.seq);
    }
    this.#read.receipt(f.group_id, f.user_id, f.seq);
  }

  #onError(f: ServerFrameOf<"error">): void {
    const o = errorOutcome(f, (nonce) => !!this.outbox.get(nonce));
    if (o.kind === "failed") return this.outbox.markFailed(o.nonce, o.text);
    if (o.kind === "left") return this.removeGroup(o.groupId);
    this.status.show(o.text, "warning");
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
}
