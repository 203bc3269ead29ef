/**
 * Where message events land: new messages and later states (edits, deletions, reactions) go
 * into the timelines and the quote cache in place, the highest event `rev` is recorded, and the
 * unread and mention counts stay exact as messages arrive, change and are deleted.
 */
import type { Message } from "../protocol/types.ts";
import { QuotedMessages } from "./quoted_messages.ts";
import type { ReadState } from "./read_state.ts";
import { Timelines } from "./timelines.ts";
import {
  type CountContext,
  countDelta,
  isUnread,
  isUnreadMention,
} from "./unread_rules.ts";

/** How an event is to be counted: the group's read context, and whether the reader sees it. */
export interface FeedContext extends CountContext {
  /** The reader is looking at the newest messages of this group right now. */
  seen: boolean;
}

/** The message side of the model. Callers batch and check membership. */
export class MessageFeed {
  readonly timelines: Timelines;
  /** Messages quoted by replies that no timeline holds. */
  readonly quoted = new QuotedMessages();

  constructor(private readonly read: ReadState, cap: number) {
    this.timelines = new Timelines(cap);
  }

  /** A message as best known: the timeline's copy, else a fetched quote. */
  find(groupId: string, seq: number): Message | undefined {
    return this.timelines.find(groupId, seq) ?? this.quoted.get(groupId, seq);
  }

  /** A `message` event (live or replayed), with its event rev when the server gives one. */
  message(m: Message, rev: number | undefined, ctx: FeedContext): void {
    const groupId = m.group_id;
    if (rev !== undefined) this.read.seeRev(groupId, rev);
    const fresh = this.read.see(groupId, m.seq);
    const held = this.timelines.find(groupId, m.seq);
    this.timelines.insert(groupId, m);
    if (fresh && !ctx.seen) {
      this.read.addCounts(
        groupId,
        Number(isUnread(m, ctx)),
        Number(isUnreadMention(m, ctx)),
      );
    } else if (held) this.#recount(held, m, ctx);
  }

  /** A `message_update` event, or a state answered over HTTP (no event rev). */
  update(m: Message, rev: number | undefined, ctx: CountContext): void {
    const groupId = m.group_id;
    if (rev !== undefined) this.read.seeRev(groupId, rev);
    const held = this.find(groupId, m.seq);
    this.timelines.update(groupId, m);
    this.quoted.update(m);
    if (held) return this.#recount(held, m, ctx);
    // An unread message from before the page loaded, deleted now: it was counted (it is at or
    // below the newest seq seen). Whether it mentioned the reader is unknown (a tombstone has
    // no mentions), so mentions are only kept within the unread count.
    if (
      m.deleted && m.author.id !== ctx.meId && m.seq > ctx.lastReadSeq &&
      m.seq <= this.read.lastSeq(groupId)
    ) this.read.addCounts(groupId, -1, 0);
  }

  /** Forgets a group. */
  dropGroup(groupId: string): void {
    this.timelines.drop(groupId);
    this.quoted.dropGroup(groupId);
  }

  /** Moves the counts by what changed between two states of one message. */
  #recount(held: Message, m: Message, ctx: CountContext): void {
    if (held === m || (m.rev ?? 0) <= (held.rev ?? 0)) return;
    const d = countDelta(held, m, ctx);
    if (d.unread || d.mentions) {
      this.read.addCounts(m.group_id, d.unread, d.mentions);
    }
  }
}
