/** One delivered message: author and time (unless it continues the previous one), text, "Seen by". */
import type { Message } from "../lib/protocol/types.ts";
import { fullTime, shortTime } from "./format_time.ts";
import { MessageText } from "./message_text.tsx";
import { AttachmentList } from "./attachment_list.tsx";
import { showImage } from "../lib/ui/image_viewer.ts";

/** What a message item needs. */
export interface MessageItemProps {
  message: Message;
  /** Same author shortly after the previous message: no header. */
  continuation: boolean;
  mine: boolean;
  /** Members whose last read message this is. */
  seenBy?: readonly string[];
}

/** "Seen by Alice, Bob and 3 others". */
export function seenByText(names: readonly string[]): string {
  if (names.length <= 3) return `Seen by ${names.join(", ")}`;
  return `Seen by ${names.slice(0, 2).join(", ")} and ${
    names.length - 2
  } others`;
}

/** A delivered message. */
export function MessageItem(
  { message, continuation, mine, seenBy }: MessageItemProps,
) {
  const cls = ["msg", continuation && "msg--cont", mine && "msg--mine"].filter(
    Boolean,
  ).join(" ");
  return (
    <li
      class={cls}
      data-testid="message"
      data-seq={message.seq}
      data-nonce={message.nonce ?? undefined}
    >
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
      {message.deleted
        ? <p class="msg-text msg-text--deleted">This message was deleted.</p>
        : message.text || !message.attachments?.length
        ? <MessageText text={message.text} />
        : null}
      {message.attachments?.length && !message.deleted
        ? (
          <AttachmentList
            attachments={message.attachments}
            onOpenImage={showImage}
          />
        )
        : null}
      {message.edited_at && !message.deleted
        ? <span class="msg-edited">(edited)</span>
        : null}
      {seenBy?.length ? <p class="msg-seen">{seenByText(seenBy)}</p> : null}
    </li>
  );
}
