/**
 * One delivered message: author and time (unless it continues the previous one), the quote of
 * the message it replies to, its text (or the editor while edited in place), "(edited)",
 * reactions, "Seen by", and a toolbar of actions shown on hover, focus or a long press.
 */
import type { ComponentChildren, JSX } from "preact";
import type { Message } from "../lib/protocol/types.ts";
import { fullTime, shortTime } from "./format_time.ts";
import { PencilIcon, ReplyIcon, SmileIcon, TrashIcon } from "./icons.tsx";
import { type MentionContext, MessageText } from "./message_text.tsx";
import { AttachmentList } from "./attachment_list.tsx";
import { showImage } from "../lib/ui/image_viewer.ts";
import { ReactionChips } from "./reaction_chips.tsx";
import { type QuotedOriginal, ReplyQuote } from "./reply_quote.tsx";

/** What the reader may do to a message; an absent handler hides its button. */
export interface MessageItemActions {
  onReply(): void;
  onPickReaction(): void;
  onToggleReaction(emoji: string): void;
  onEdit?(): void;
  onDelete?(): void;
}

/** What a message item needs; everything after `seenBy` is optional. */
export interface MessageItemProps {
  message: Message;
  /** Same author shortly after the previous message: no header. */
  continuation: boolean;
  mine: boolean;
  /** Members whose last read message this is. */
  seenBy?: readonly string[];
  meId?: string | null;
  nameOf?(userId: string): string;
  mentions?: MentionContext;
  /** The original, for a reply. */
  quote?: QuotedOriginal;
  onOpenQuote?(): void;
  actions?: MessageItemActions;
  /** Shown instead of the text while the message is edited in place. */
  editor?: ComponentChildren;
  /** Shown under the message (the emoji picker). */
  popover?: ComponentChildren;
  /** Keep the toolbar shown (long press on a phone, or the picker open). */
  actionsOpen?: boolean;
  /** Flash the message (it was jumped to). */
  highlighted?: boolean;
  /** Extra handlers on the row (the long press). */
  rowProps?: JSX.HTMLAttributes<HTMLLIElement>;
}

/** "Seen by Alice, Bob and 3 others". */
export function seenByText(names: readonly string[]): string {
  if (names.length <= 3) return `Seen by ${names.join(", ")}`;
  return `Seen by ${names.slice(0, 2).join(", ")} and ${
    names.length - 2
  } others`;
}

function Toolbar({ actions }: { actions: MessageItemActions }) {
  const button = (
    label: string,
    icon: JSX.Element,
    onClick: () => void,
    danger = false,
  ) => (
    <button
      type="button"
      class={danger ? "msg-action msg-action--danger" : "msg-action"}
      aria-label={label}
      title={label}
      onClick={onClick}
    >
      {icon}
    </button>
  );
  return (
    <div class="msg-actions" role="toolbar" aria-label="Message actions">
      {button("Reply", <ReplyIcon />, actions.onReply)}
      {button("Add a reaction", <SmileIcon />, actions.onPickReaction)}
      {actions.onEdit ? button("Edit", <PencilIcon />, actions.onEdit) : null}
      {actions.onDelete
        ? button("Delete", <TrashIcon />, actions.onDelete, true)
        : null}
    </div>
  );
}

/** A delivered message. */
export function MessageItem(props: MessageItemProps) {
  const { message, continuation, mine, seenBy, meId = null, actions } = props;
  const deleted = !!message.deleted;
  const mentionsMe = !deleted && !!meId &&
    (message.mentions ?? []).includes(meId);
  const cls = [
    "msg",
    continuation && "msg--cont",
    mine && "msg--mine",
    deleted && "msg--deleted",
    mentionsMe && "msg--mention",
    props.actionsOpen && "msg--actions-open",
    props.highlighted && "msg--highlight",
  ].filter(Boolean).join(" ");
  return (
    <li
      {...props.rowProps}
      class={cls}
      data-testid="message"
      data-seq={message.seq}
      data-nonce={message.nonce ?? undefined}
      data-deleted={deleted ? "true" : undefined}
    >
      {message.reply_to && !deleted && props.quote
        ? (
          <ReplyQuote
            original={props.quote}
            onOpen={() => props.onOpenQuote?.()}
          />
        )
        : null}
      {continuation ? null : (
        <div class="msg-head">
          <span class="msg-author">{message.author.username}</span>
          <time
            class="msg-time"
            dateTime={message.created_at}
            title={fullTime(message.created_at)}
          >
            {shortTime(message.created_at)}
          </time>
        </div>
      )}
      {deleted
        ? <p class="msg-text msg-text--deleted">Message deleted</p>
        : props.editor ?? (message.text || !message.attachments?.length
          ? (
            <MessageText
              text={message.text}
              mentionIds={message.mentions}
              mentions={props.mentions}
            />
          )
          : null)}
      {message.attachments?.length && !deleted
        ? (
          <AttachmentList
            attachments={message.attachments}
            onOpenImage={showImage}
          />
        )
        : null}
      {message.edited_at && !deleted && !props.editor
        ? (
          <span
            class="msg-edited"
            title={`Edited ${fullTime(message.edited_at)}`}
            data-testid="edited"
          >
            (edited)
          </span>
        )
        : null}
      {!deleted && message.reactions
        ? (
          <ReactionChips
            reactions={message.reactions}
            meId={meId}
            nameOf={props.nameOf ?? (() => "Someone")}
            onToggle={actions?.onToggleReaction}
            onAdd={actions?.onPickReaction}
          />
        )
        : null}
      {props.popover}
      {actions && !deleted && !props.editor
        ? <Toolbar actions={actions} />
        : null}
      {seenBy?.length ? <p class="msg-seen">{seenByText(seenBy)}</p> : null}
    </li>
  );
}
