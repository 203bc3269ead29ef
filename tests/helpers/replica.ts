/**
 * A client's copy of one group, kept the way PROTOCOL.md §4 tells clients to: the highest event
 * rev received, and per message the state with the highest `message.rev`. Tests compare it with
 * a fresh history load.
 */
import assert from "node:assert/strict";
import type { Frame } from "./gateway_client.ts";

export class Replica {
  lastRev = 0;
  readonly messages = new Map<number, Frame>();
  /** The event revs received, in arrival order. */
  readonly revs: number[] = [];

  constructor(history: Frame[] = [], lastRev = 0) {
    for (const m of history) this.messages.set(m.seq, m);
    this.lastRev = lastRev;
  }

  /** Applies one `message` or `message_update` frame. */
  apply(frame: Frame): void {
    assert.ok(
      frame.type === "message" || frame.type === "message_update",
      `a group event, not ${frame.type}`,
    );
    assert.equal(typeof frame.rev, "number", "a top-level rev");
    assert.ok(frame.message.rev >= frame.rev, "message.rev >= rev");
    this.revs.push(frame.rev);
    this.lastRev = Math.max(this.lastRev, frame.rev);
    const mine = this.messages.get(frame.message.seq);
    if (!mine || (mine.rev ?? 0) < frame.message.rev) {
      this.messages.set(frame.message.seq, frame.message);
    }
  }

  /** The messages, oldest first: comparable with `fullHistory`. */
  history(): Frame[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }
}

/** True for the frames of a group's event stream. */
export const isGroupEvent = (groupId: string) => (f: Frame) =>
  (f.type === "message" || f.type === "message_update") &&
  f.group_id === groupId;

/** Asserts that `revs` are exactly from+1, from+2, … to. */
export function assertRevsFrom(revs: number[], from: number, to: number) {
  assert.deepEqual(
    revs,
    Array.from({ length: to - from }, (_, i) => from + 1 + i),
    `revs ${from + 1}..${to}, one per rev, in order`,
  );
}
