/**
 * What the reader is in the middle of, shared by the composer and the timeline: the message
 * being replied to, the one being edited in place, and the message to bring into view (after a
 * click on a reply's quote).
 */
import { signal } from "@preact/signals-core";

/** A message by group and seq. */
export interface MessageRef {
  readonly groupId: string;
  readonly seq: number;
}

/** A request to scroll a message into view; `n` makes a repeated jump a new value. */
export interface FocusRequest extends MessageRef {
  readonly n: number;
}

/** The composing state of one tab. */
export class Composing {
  readonly replyTo = signal<MessageRef | null>(null);
  readonly editing = signal<MessageRef | null>(null);
  readonly focus = signal<FocusRequest | null>(null);
  #n = 0;

  /** Whether message `seq` of the group is being edited. */
  isEditing(groupId: string, seq: number): boolean {
    const e = this.editing.value;
    return e?.groupId === groupId && e.seq === seq;
  }

  /** The seq replied to in a group, if any. */
  replyIn(groupId: string): number | null {
    const r = this.replyTo.value;
    return r?.groupId === groupId ? r.seq : null;
  }

  /** Asks the timeline to scroll to a message and flash it. */
  bringIntoView(groupId: string, seq: number): void {
    this.focus.value = { groupId, seq, n: ++this.#n };
  }

  /** Forgets everything about a group (left, or switched away from). */
  clear(): void {
    this.replyTo.value = null;
    this.editing.value = null;
  }
}
