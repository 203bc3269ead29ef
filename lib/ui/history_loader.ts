/**
 * History over HTTP: the newest page when a group opens, older pages when scrolling up, newer
 * pages when a window detached by a jump is scrolled back down, the page around a replied-to
 * message (`around_seq`), and single quoted messages. Answers to requests made before a resync
 * or a jump back to the present are dropped (a per-group epoch).
 */
import type { ApiClient } from "./api_client.ts";
import { ApiError } from "./api_client.ts";
import type { ChatModel } from "./chat_model.ts";
import { newestSeq, oldestSeq } from "./timeline.ts";

/** Wiring of a HistoryLoader. */
export interface HistoryLoaderOptions {
  model: ChatModel;
  api: Pick<ApiClient, "messages" | "message">;
  /** Page size of history requests. */
  pageSize?: number;
}

/** Quoted messages that could not be fetched are not asked for again (bounded). */
const maxMisses = 200;

/** Loads history pages into the model. */
export class HistoryLoader {
  readonly #o: HistoryLoaderOptions;
  readonly #epoch = new Map<string, number>();
  readonly #quoting = new Set<string>();
  readonly #misses = new Set<string>();

  constructor(options: HistoryLoaderOptions) {
    this.#o = options;
  }

  /** Loads the newest page unless it is loaded or loading. */
  async loadNewest(groupId: string): Promise<void> {
    const t = this.#o.model.timelineOf(groupId);
    if (!t.loaded && !t.loading) await this.#load(groupId, {});
  }

  /** Loads the page before the oldest held message (infinite scroll upwards). */
  async loadOlder(groupId: string): Promise<void> {
    const t = this.#o.model.timelineOf(groupId);
    if (!t.loaded || t.loading || !t.hasMore || !t.messages.length) return;
    await this.#load(groupId, { beforeSeq: oldestSeq(t) });
  }

  /** Loads the page after the newest held message of a window detached by a jump. */
  async loadNewer(groupId: string): Promise<void> {
    const t = this.#o.model.timelineOf(groupId);
    if (!t.loaded || t.loading || !t.hasNewer || !t.messages.length) return;
    await this.#load(groupId, { afterSeq: newestSeq(t) });
  }

  /** Drops a group's messages and, if it is open, loads the newest page again. */
  async reload(groupId: string): Promise<void> {
    const { model } = this.#o;
    this.#bump(groupId);
    model.resetTimeline(groupId);
    if (model.activeGroupId.value === groupId) await this.#load(groupId, {});
  }

  /**
   * Brings message `seq` into the timeline: held already, or loaded with the page around it
   * (which replaces the held messages when it does not touch them). Then asks the view to show it.
   */
  async jumpTo(groupId: string, seq: number): Promise<void> {
    const { model } = this.#o;
    if (!model.timelineOf(groupId).messages.some((m) => m.seq === seq)) {
      this.#bump(groupId);
      await this.#load(groupId, { aroundSeq: seq });
    }
    if (model.timelineOf(groupId).messages.some((m) => m.seq === seq)) {
      model.composing.bringIntoView(groupId, seq);
    }
  }

  /** Fetches a message a reply quotes when no timeline holds it. */
  async ensureQuote(groupId: string, seq: number): Promise<void> {
    const { model, api } = this.#o;
    const key = `${groupId}/${seq}`;
    if (
      model.messageOf(groupId, seq) || this.#quoting.has(key) ||
      this.#misses.has(key)
    ) return;
    this.#quoting.add(key);
    try {
      model.putQuoted(await api.message(groupId, seq));
    } catch {
      if (this.#misses.size >= maxMisses) this.#misses.clear();
      this.#misses.add(key);
    } finally {
      this.#quoting.delete(key);
    }
  }

  /** Forgets a group the reader left. */
  forget(groupId: string): void {
    this.#epoch.delete(groupId);
  }

  #bump(groupId: string): void {
    this.#epoch.set(groupId, (this.#epoch.get(groupId) ?? 0) + 1);
  }

  async #load(
    groupId: string,
    at: { beforeSeq?: number; afterSeq?: number; aroundSeq?: number },
  ): Promise<void> {
    const { model, api } = this.#o;
    const epoch = this.#epoch.get(groupId) ?? 0;
    const current = () => (this.#epoch.get(groupId) ?? 0) === epoch;
    model.setTimelineLoading(groupId);
    try {
      const page = await api.messages(groupId, {
        ...at,
        limit: this.#o.pageSize ?? 50,
      });
      if (!current()) return;
      const newest = page.messages[page.messages.length - 1]?.seq ?? 0;
      // A message that arrived live while the last page down was on its way was not put in
      // the detached window: stay detached until a page reaches it.
      const behindLive = newest < model.lastSeqOf(groupId);
      if (at.afterSeq !== undefined) {
        model.mergeHistory(groupId, page.messages, {
          hasMore: true,
          hasMoreAfter: page.has_more || behindLive,
        });
      } else if (at.aroundSeq !== undefined) {
        model.mergeHistory(groupId, page.messages, {
          hasMore: page.has_more,
          hasMoreAfter: (page.has_more_after ?? false) || behindLive,
        });
      } else model.mergeHistory(groupId, page.messages, page.has_more);
    } catch (err) {
      if (!current()) return;
      model.setTimelineError(
        groupId,
        err instanceof ApiError ? err.message : "Could not load messages.",
      );
    }
  }
}
