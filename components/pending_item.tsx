/** A message the reader sent that has no echo yet: pending, or failed with retry and discard. */
import type { OutboxEntry } from "../lib/ui/outbox.ts";
import { MessageText } from "./message_text.tsx";
import { type QuotedOriginal, ReplyQuote } from "./reply_quote.tsx";

/** What a pending item needs. */
export interface PendingItemProps {
  entry: OutboxEntry;
  author: string;
  onRetry(nonce: string): void;
  onDiscard(nonce: string): void;
  /** The original, when the unsent message is a reply. */
  quote?: QuotedOriginal;
  onOpenQuote?(): void;
}

/** An unsent message. */
export function PendingItem(
  { entry, author, onRetry, onDiscard, quote, onOpenQuote }: PendingItemProps,
) {
  const failed = entry.status === "failed";
  return (
    <li
      class={`msg msg--mine ${failed ? "msg--failed" : "msg--pending"}`}
      data-testid="message-pending"
      data-nonce={entry.nonce}
      data-status={entry.status}
    >
      {quote
        ? <ReplyQuote original={quote} onOpen={() => onOpenQuote?.()} />
        : null}
      <div class="msg-head">
        <span class="msg-author">{author}</span>
        <span class="msg-time">{failed ? "Not sent" : "Sending…"}</span>
      </div>
      <MessageText text={entry.text} />
      {failed
        ? (
          <p class="msg-failure" role="alert">
            <span>{entry.error ?? "Not sent."}</span>{" "}
            <button
              type="button"
              class="link-button"
              onClick={() => onRetry(entry.nonce)}
            >
              Retry
            </button>{" "}
            <button
              type="button"
              class="link-button"
              onClick={() => onDiscard(entry.nonce)}
            >
              Discard
            </button>
          </p>
        )
        : null}
    </li>
  );
}
