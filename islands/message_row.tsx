/**
 * One message of the open group wired to the runtime: its quote (fetched when the original is
 * not loaded), the in-place editor, the emoji picker, the long press that shows the actions on a
 * phone, and the actions themselves. The markup is the stateless MessageItem.
 */
import type { Signal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { EmojiPicker } from "../components/emoji_picker.tsx";
import { MessageItem } from "../components/message_item.tsx";
import type { MentionContext } from "../components/message_text.tsx";
import { quotedOriginal } from "../components/reply_quote.tsx";
import type { Message } from "../lib/protocol/types.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { EditBox } from "./edit_box.tsx";

/** How long a touch must rest on a message to show its actions. */
const longPressMs = 500;

/** Per-timeline UI state the rows share: which row has its picker, actions or a pending delete. */
export interface RowUi {
  /** The seq whose emoji picker is open. */
  picker: Signal<number | null>;
  /** The seq whose actions a long press opened. */
  pressed: Signal<number | null>;
  /** The seq waiting for delete confirmation. */
  confirmDelete: Signal<number | null>;
  /** The seq flashed after a jump. */
  highlight: Signal<number | null>;
}

/** What a row needs. */
export interface MessageRowProps {
  rt: ChatRuntime;
  groupId: string;
  message: Message;
  continuation: boolean;
  seenBy?: readonly string[];
  ui: RowUi;
  mentions: MentionContext;
}

/** A message with its actions. */
export function MessageRow(props: MessageRowProps) {
  const { rt, groupId, message: m, ui } = props;
  const { model, actions, controller } = rt;
  const meId = model.me.value?.id ?? null;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const row = useRef<HTMLLIElement>(null);
  const editing = model.composing.isEditing(groupId, m.seq);
  const pickerOpen = ui.picker.value === m.seq;
  const original = m.reply_to
    ? model.messageOf(groupId, m.reply_to)
    : undefined;

  useEffect(() => {
    if (m.reply_to && !original) {
      void controller.history.ensureQuote(groupId, m.reply_to);
    }
  }, [m.reply_to, !!original]);

  const pressed = ui.pressed.value === m.seq;
  // At once, not after the next frame: keys pressed meanwhile belong in the open picker.
  useLayoutEffect(() => {
    if (pickerOpen) {
      row.current?.querySelector<HTMLElement>(".emoji-picker button")?.focus();
    }
    if (!pickerOpen && !pressed) return;
    // A press anywhere else closes the picker and the long-press actions.
    const away = (e: PointerEvent) => {
      if (row.current?.contains(e.target as Node)) return;
      if (ui.picker.value === m.seq) ui.picker.value = null;
      if (ui.pressed.value === m.seq) ui.pressed.value = null;
    };
    document.addEventListener("pointerdown", away);
    return () => document.removeEventListener("pointerdown", away);
  }, [pickerOpen, pressed]);

  const done = () => (ui.pressed.value = null);
  const cancelPress = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  const emojis = pickerOpen ? actions.emojis() : null;

  return (
    <MessageItem
      message={m}
      continuation={props.continuation}
      mine={m.author.id === meId}
      seenBy={props.seenBy}
      meId={meId}
      nameOf={(id) => model.nameOf(id)}
      mentions={props.mentions}
      quote={m.reply_to ? quotedOriginal(original) : undefined}
      onOpenQuote={() =>
        m.reply_to && void controller.history.jumpTo(groupId, m.reply_to)}
      highlighted={ui.highlight.value === m.seq}
      actionsOpen={pressed || pickerOpen}
      actions={{
        onReply: () => {
          done();
          actions.startReply(m.seq);
        },
        onPickReaction: () => {
          done();
          ui.picker.value = pickerOpen ? null : m.seq;
        },
        onToggleReaction: (emoji) => void actions.toggleReaction(m.seq, emoji),
        onEdit: actions.canEdit(m)
          ? () => {
            done();
            actions.startEdit(m.seq);
          }
          : undefined,
        onDelete: actions.canDelete(m)
          ? () => {
            done();
            ui.confirmDelete.value = m.seq;
          }
          : undefined,
      }}
      editor={editing ? <EditBox actions={actions} text={m.text} /> : null}
      popover={emojis
        ? (
          <EmojiPicker
            emojis={emojis.emojis}
            recent={emojis.recent}
            onPick={(emoji) => {
              ui.picker.value = null;
              void actions.react(m.seq, emoji);
            }}
            onClose={() => (ui.picker.value = null)}
          />
        )
        : null}
      rowProps={{
        ref: row,
        onTouchStart: () => {
          cancelPress();
          timer.current = setTimeout(() => {
            ui.pressed.value = m.seq;
          }, longPressMs);
        },
        onTouchEnd: cancelPress,
        onTouchMove: cancelPress,
        onContextMenu: (e) => {
          // A long press on a phone opens the actions instead of the browser's menu.
          if (ui.pressed.value === m.seq) e.preventDefault();
        },
      }}
    />
  );
}
