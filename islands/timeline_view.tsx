/**
 * The scrolling message list of the open group. It keeps the reader's place: older pages load
 * above without moving the visible message, new messages scroll into view only when the reader is
 * at the bottom (else a "new messages" button), changes to messages apply in place, a jump to a
 * replied-to message scrolls to it (and, when the window is detached from the live end, newer
 * pages load on the way down), and it tells the controller when the newest messages are actually
 * seen so `read` goes out.
 */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { JSX } from "preact";
import { dayKey, dayLabel } from "../components/format_time.ts";
import type { MentionContext } from "../components/message_text.tsx";
import { PendingItem } from "../components/pending_item.tsx";
import { quotedOriginal } from "../components/reply_quote.tsx";
import { isContinuation, seenBy } from "../lib/ui/timeline.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { DeleteDialog } from "./delete_dialog.tsx";
import { MessageRow, type RowUi } from "./message_row.tsx";
import {
  readAnchor,
  restoreAnchor,
  type ScrollAnchor,
} from "./scroll_anchor.ts";

/** Within this many pixels of the end counts as "at the bottom". */
const bottomSlack = 48;
/** Start loading the previous page this close to the top (and the next one to the bottom). */
const topSlack = 400;
/** How long a jumped-to message stays highlighted. */
const highlightMs = 2_000;

/** What the timeline needs. */
export interface TimelineViewProps {
  rt: ChatRuntime;
  groupId: string;
  name: string;
}

/** The message list. */
export function TimelineView({ rt, groupId, name }: TimelineViewProps) {
  const { model, controller } = rt;
  const timeline = useComputed(() => model.timelineOf(groupId)).value;
  const outbox = useComputed(() => model.outbox.forGroup(groupId)).value;
  const seen = useComputed(() =>
    seenBy(
      model.timelineOf(groupId).messages,
      model.reads.value.get(groupId) ?? new Map(),
      model.me.value?.id ?? null,
      (id) => model.nameOf(id),
    )
  ).value;
  const unread = model.unreadOf(groupId);
  const mentions = useComputed<MentionContext>(() => {
    const ids = new Map<string, string>();
    for (const u of model.people.users.value.values()) {
      ids.set(u.username.toLowerCase(), u.id);
    }
    return {
      userIdOf: (name) => ids.get(name),
      meId: model.me.value?.id ?? null,
    };
  }).value;
  const ui: RowUi = {
    picker: useSignal(null),
    pressed: useSignal(null),
    confirmDelete: useSignal(null),
    highlight: useSignal(null),
  };
  const focus = model.composing.focus.value;
  const handledFocus = useRef(focus?.n ?? 0);
  const atBottom = useSignal(true);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  /** The first visible message, kept in place across changes above it. */
  const anchor = useRef<ScrollAnchor | null>(null);
  const outboxCount = useRef(0);

  const reportViewing = () => {
    const visible = typeof document !== "undefined" &&
      document.visibilityState === "visible";
    // A window detached by a jump does not show the newest messages, even at its bottom.
    controller.setViewing(stick.current && visible && !timeline.hasNewer);
  };
  const nodeOf = (seq: number) =>
    scroller.current?.querySelector<HTMLElement>(`[data-seq="${seq}"]`) ?? null;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Sending your own message always brings you to the bottom.
    if (outbox.length > outboxCount.current) stick.current = true;
    outboxCount.current = outbox.length;
    const prev = anchor.current;
    const jump = focus?.groupId === groupId && focus.n !== handledFocus.current
      ? nodeOf(focus.seq)
      : null;
    if (jump && focus) {
      // A reply's original was clicked: show it in the middle and flash it.
      handledFocus.current = focus.n;
      stick.current = false;
      atBottom.value = false;
      jump.scrollIntoView({ block: "center" });
      ui.highlight.value = focus.seq;
      setTimeout(() => {
        if (ui.highlight.value === focus.seq) ui.highlight.value = null;
      }, highlightMs);
    } else if (stick.current && !timeline.hasNewer) {
      el.scrollTop = el.scrollHeight;
    } else if (prev) {
      restoreAnchor(el, prev);
    }
    anchor.current = readAnchor(el);
    // A short page leaves no scrollbar to scroll up with: fetch more until there is one.
    if (el.scrollHeight <= el.clientHeight + topSlack) {
      void controller.loadOlder(groupId);
    }
    reportViewing();
  });

  useEffect(() => {
    document.addEventListener("visibilitychange", reportViewing);
    return () => {
      document.removeEventListener("visibilitychange", reportViewing);
      controller.setViewing(false);
    };
  }, [groupId]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current =
      el.scrollHeight - el.scrollTop - el.clientHeight <= bottomSlack;
    anchor.current = readAnchor(el);
    atBottom.value = stick.current;
    if (el.scrollTop < topSlack) void controller.loadOlder(groupId);
    if (el.scrollHeight - el.scrollTop - el.clientHeight < topSlack) {
      void controller.history.loadNewer(groupId);
    }
    reportViewing();
  };
  const toBottom = () => {
    const el = scroller.current;
    if (el) el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
  };

  const items: JSX.Element[] = [];
  let prev: (typeof timeline.messages)[number] | undefined;
  for (const m of timeline.messages) {
    if (!prev || dayKey(prev.created_at) !== dayKey(m.created_at)) {
      items.push(
        <li key={`day-${m.seq}`} class="day-sep" role="separator">
          <span>{dayLabel(m.created_at)}</span>
        </li>,
      );
      prev = undefined;
    }
    items.push(
      <MessageRow
        key={m.seq}
        rt={rt}
        groupId={groupId}
        message={m}
        continuation={isContinuation(prev, m)}
        seenBy={seen.get(m.seq)}
        ui={ui}
        mentions={mentions}
      />,
    );
    prev = m;
  }

  const top = timeline.loading && timeline.loaded
    ? "Loading older messages…"
    : timeline.loaded && !timeline.hasMore
    ? `This is the beginning of ${name}.`
    : "";
  return (
    <div class="timeline-wrap">
      <div
        ref={scroller}
        class="timeline"
        onScroll={onScroll}
        role="log"
        aria-label={`Messages in ${name}`}
        tabIndex={0}
      >
        <p class="timeline-top">{top}</p>
        {!timeline.loaded && timeline.loading
          ? <p class="timeline-status">Loading messages…</p>
          : null}
        {timeline.error
          ? (
            <p class="timeline-status timeline-status--error" role="alert">
              {timeline.error}{" "}
              <button
                type="button"
                class="link-button"
                onClick={() =>
                  timeline.loaded
                    ? controller.loadOlder(groupId)
                    : controller.openGroup(groupId)}
              >
                Try again
              </button>
            </p>
          )
          : null}
        {timeline.loaded && !timeline.messages.length && !outbox.length
          ? <p class="timeline-status">No messages yet. Say hello!</p>
          : null}
        <ol class="messages">
          {items}
          {timeline.hasNewer ? null : outbox.map((e) => (
            <PendingItem
              key={e.nonce}
              entry={e}
              author={model.me.value?.username ?? "You"}
              onRetry={(n) => controller.retry(n)}
              onDiscard={(n) => controller.discard(n)}
              quote={e.reply_to
                ? quotedOriginal(model.messageOf(groupId, e.reply_to))
                : undefined}
              onOpenQuote={() =>
                e.reply_to &&
                void controller.history.jumpTo(groupId, e.reply_to)}
            />
          ))}
        </ol>
      </div>
      {timeline.hasNewer
        ? (
          <button
            type="button"
            class="new-messages"
            onClick={() => {
              stick.current = true;
              void controller.history.reload(groupId);
            }}
          >
            Jump to the newest messages ↓
          </button>
        )
        : !atBottom.value && unread > 0
        ? (
          <button type="button" class="new-messages" onClick={toBottom}>
            {unread === 1 ? "1 new message" : `${unread} new messages`} ↓
          </button>
        )
        : null}
      <DeleteDialog rt={rt} groupId={groupId} seq={ui.confirmDelete} />
    </div>
  );
}
