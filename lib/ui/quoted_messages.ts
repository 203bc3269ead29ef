/**
 * Messages that replies quote but the timeline does not hold (older than the loaded pages),
 * fetched one by one and kept current by `message_update`. Bounded: the oldest entries go first.
 */
import { signal } from "@preact/signals-core";
import type { Message } from "../protocol/types.ts";
import { isNewerState } from "./timeline.ts";

const key = (groupId: string, seq: number) => `${groupId}\u0000${seq}`;

/** A small cache of quoted messages by group and seq. */
export class QuotedMessages {
  readonly entries = signal<ReadonlyMap<string, Message>>(new Map());

  constructor(private readonly max = 200) {}

  /** The cached message, if any. */
  get(groupId: string, seq: number): Message | undefined {
    return this.entries.value.get(key(groupId, seq));
  }

  /** Stores a fetched message; an update replaces only an older state. */
  put(m: Message): void {
    const k = key(m.group_id, m.seq);
    const held = this.entries.value.get(k);
    if (held && !isNewerState(m, held)) return;
    const next = new Map(this.entries.value);
    next.delete(k);
    next.set(k, m);
    while (next.size > this.max) next.delete(next.keys().next().value!);
    this.entries.value = next;
  }

  /** Applies a later state to a cached message; unknown messages are not added. */
  update(m: Message): void {
    if (this.get(m.group_id, m.seq)) this.put(m);
  }

  /** Forgets a group's entries. */
  dropGroup(groupId: string): void {
    const prefix = key(groupId, 0).slice(0, -1);
    const rest = [...this.entries.value].filter(([k]) => !k.startsWith(prefix));
    if (rest.length !== this.entries.value.size) {
      this.entries.value = new Map(rest);
    }
  }
}
