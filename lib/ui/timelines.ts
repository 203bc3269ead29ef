/**
 * Every group's Timeline in one signal, with the loading bookkeeping the controller drives.
 * Each change writes a new map only when a timeline actually changed, so views re-render only
 * for real changes (an update that loses on `rev` re-renders nothing).
 */
import { signal } from "@preact/signals-core";
import type { Message } from "../protocol/types.ts";
import { deleteIn, setIn } from "./signal_map.ts";
import {
  emptyTimeline,
  findMessage,
  insertMessage,
  mergePage,
  type PageBounds,
  type Timeline,
  updateMessage,
} from "./timeline.ts";

/** The timelines of one tab. */
export class Timelines {
  readonly map = signal<ReadonlyMap<string, Timeline>>(new Map());

  /** `cap`: live messages kept per group before the oldest are dropped. */
  constructor(private readonly cap: number) {}

  /** A group's timeline (empty when never loaded). */
  of(groupId: string): Timeline {
    return this.map.value.get(groupId) ?? emptyTimeline;
  }

  /** The held copy of a message, if any. */
  find(groupId: string, seq: number): Message | undefined {
    return findMessage(this.of(groupId), seq);
  }

  /** Adds or replaces a live message. */
  insert(groupId: string, m: Message): void {
    this.#put(groupId, insertMessage(this.of(groupId), m, this.cap));
  }

  /** Applies a later state of a held message. */
  update(groupId: string, m: Message): void {
    this.#put(groupId, updateMessage(this.of(groupId), m));
  }

  /** Merges a history page. */
  merge(groupId: string, page: readonly Message[], bounds: PageBounds): void {
    this.#put(groupId, mergePage(this.of(groupId), page, bounds));
  }

  /** Marks a history request in flight. */
  setLoading(groupId: string): void {
    this.#put(groupId, { ...this.of(groupId), loading: true, error: null });
  }

  /** Records why a history request failed. */
  setError(groupId: string, error: string): void {
    this.#put(groupId, { ...this.of(groupId), loading: false, error });
  }

  /** Drops a group's messages so the next open loads them again. */
  reset(groupId: string): void {
    this.#put(groupId, emptyTimeline);
  }

  /** Forgets a group. */
  drop(groupId: string): void {
    deleteIn(this.map, groupId);
  }

  #put(groupId: string, t: Timeline): void {
    if (this.map.value.get(groupId) !== t) setIn(this.map, groupId, t);
  }
}
