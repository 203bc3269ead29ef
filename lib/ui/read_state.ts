/**
 * Where reading stands per group: the reader's unread and mention counts, the newest seq and
 * event rev seen (the `since` and `since_rev` of the next subscribe), and the other members'
 * read receipts.
 */
import { signal } from "@preact/signals-core";
import { deleteIn, setIn } from "./signal_map.ts";

/** Unread counts, seen positions and receipts of one tab. */
export class ReadState {
  /** group id → unread count. */
  readonly unread = signal<ReadonlyMap<string, number>>(new Map());
  /** group id → unread messages that mention the reader (PROTOCOL.md §4). */
  readonly mentions = signal<ReadonlyMap<string, number>>(new Map());
  /** group id → user id → last read seq, from read receipts. */
  readonly receipts = signal<ReadonlyMap<string, ReadonlyMap<string, number>>>(
    new Map(),
  );
  /** Newest seq seen per group. Not shown, so not a signal. */
  readonly #lastSeq = new Map<string, number>();
  /** Highest event rev seen per group (§4), for resuming with `since_rev`. */
  readonly #lastRev = new Map<string, number>();

  /** Unread messages in a group. */
  unreadOf(groupId: string): number {
    return this.unread.value.get(groupId) ?? 0;
  }

  /** Sets a group's unread count. */
  setUnread(groupId: string, count: number): void {
    if (this.unread.value.get(groupId) !== count) {
      setIn(this.unread, groupId, count);
    }
    if (this.mentionsOf(groupId) > count) setIn(this.mentions, groupId, count);
  }

  /** Unread messages mentioning the reader in a group. */
  mentionsOf(groupId: string): number {
    return this.mentions.value.get(groupId) ?? 0;
  }

  /** Sets a group's mention count; never above its unread count (a mention is an unread message). */
  setMentions(groupId: string, count: number): void {
    const n = Math.max(0, Math.min(count, this.unreadOf(groupId)));
    if (this.mentions.value.get(groupId) !== n) {
      setIn(this.mentions, groupId, n);
    }
  }

  /** Adds `delta` to both counts (never below zero); mentions follow the unread count down. */
  addCounts(groupId: string, unread: number, mentions: number): void {
    if (unread) {
      this.setUnread(groupId, Math.max(0, this.unreadOf(groupId) + unread));
    }
    this.setMentions(groupId, this.mentionsOf(groupId) + mentions);
  }

  /** Records event `rev` as seen; true when it is newer than anything seen before. */
  seeRev(groupId: string, rev: number): boolean {
    if (rev <= (this.#lastRev.get(groupId) ?? -1)) return false;
    this.#lastRev.set(groupId, rev);
    return true;
  }

  /** The highest event rev seen per group, for `subscribe.since_rev`. */
  lastRevs(): Record<string, number> {
    return Object.fromEntries(this.#lastRev);
  }

  /** The newest seq seen in a group, or -1 when none is known yet. */
  lastSeq(groupId: string): number {
    return this.#lastSeq.get(groupId) ?? -1;
  }

  /** Records `seq` as seen; true when it is newer than anything seen before. */
  see(groupId: string, seq: number): boolean {
    if (seq <= this.lastSeq(groupId)) return false;
    this.#lastSeq.set(groupId, seq);
    return true;
  }

  /** The newest seq seen per group, for `subscribe.since`. */
  lastSeqs(): Record<string, number> {
    return Object.fromEntries(this.#lastSeq);
  }

  /** Records that another member read a group up to `seq` (never moving backwards). */
  receipt(groupId: string, userId: string, seq: number): void {
    const users = this.receipts.value.get(groupId);
    if ((users?.get(userId) ?? -1) >= seq) return;
    const next = new Map(users ?? []);
    next.set(userId, seq);
    setIn(this.receipts, groupId, next);
  }

  /** Forgets a group. */
  dropGroup(groupId: string): void {
    deleteIn(this.unread, groupId);
    deleteIn(this.mentions, groupId);
    deleteIn(this.receipts, groupId);
    this.#lastSeq.delete(groupId);
    this.#lastRev.delete(groupId);
  }
}
