/** The one-line quote above a reply: the original's author and the start of its text. */
import type { Message } from "../lib/protocol/types.ts";
import { ReplyIcon } from "./icons.tsx";

/** What the quote shows of the original. */
export type QuotedOriginal =
  | { state: "loaded"; author: string; text: string; deleted: boolean }
  | { state: "unknown" };

/** What a quote shows of a message, as far as it is known. */
export function quotedOriginal(m: Message | undefined): QuotedOriginal {
  return m
    ? {
      state: "loaded",
      author: m.author.username,
      text: m.text,
      deleted: !!m.deleted,
    }
    : { state: "unknown" };
}

/** What the quote needs. */
export interface ReplyQuoteProps {
  original: QuotedOriginal;
  /** Jumps to the original. */
  onOpen(): void;
}

/** At most this many characters of the original are shown. */
const excerptChars = 120;

/** The first line of a text, cut to a short excerpt. */
export function excerpt(text: string, max = excerptChars): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The quote of the message replied to. */
export function ReplyQuote({ original, onOpen }: ReplyQuoteProps) {
  const loaded = original.state === "loaded";
  const what = !loaded
    ? "an earlier message"
    : original.deleted
    ? "a deleted message"
    : `${original.author}: ${excerpt(original.text)}`;
  return (
    <button
      type="button"
      class="reply-quote"
      data-testid="reply-quote"
      aria-label={`Reply to ${what}. Show the original`}
      onClick={onOpen}
    >
      <ReplyIcon />
      {loaded && !original.deleted
        ? (
          <>
            <span class="reply-quote-author">{original.author}</span>
            <span class="reply-quote-text">{excerpt(original.text)}</span>
          </>
        )
        : (
          <span class="reply-quote-text reply-quote-text--muted">
            {loaded ? "Message deleted" : "Earlier message"}
          </span>
        )}
    </button>
  );
}
