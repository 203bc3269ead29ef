/**
 * Message text with http(s) links made clickable and @mentions marked (the reader's own
 * highlighted). Text is rendered as text nodes, never HTML.
 */
import { linkify } from "../lib/ui/linkify.ts";
import { splitMentions } from "../lib/ui/mentions.ts";

/** Who the @names in a message are. */
export interface MentionContext {
  /** A user id by lower-case username, when the user is known. */
  userIdOf(lowerName: string): string | undefined;
  /** The reader, whose mentions are highlighted. */
  meId: string | null;
}

/** What the text needs. */
export interface MessageTextProps {
  text: string;
  /** The message's `mentions` (user ids); only these are marked. */
  mentionIds?: readonly string[];
  mentions?: MentionContext;
}

function TextWithMentions(
  { text, mentionIds, mentions }: MessageTextProps,
) {
  if (!mentions || !mentionIds?.length) return <>{text}</>;
  return (
    <>
      {splitMentions(text, mentions.userIdOf, mentionIds).map((s, i) =>
        s.kind === "mention"
          ? (
            <span
              key={i}
              class={s.userId === mentions.meId
                ? "mention mention--me"
                : "mention"}
              data-testid={s.userId === mentions.meId
                ? "mention-me"
                : undefined}
            >
              {s.text}
            </span>
          )
          : s.text
      )}
    </>
  );
}

/** The body of one message. */
export function MessageText({ text, mentionIds, mentions }: MessageTextProps) {
  return (
    <p class="msg-text">
      {linkify(text).map((s, i) =>
        s.kind === "link"
          ? (
            <a
              key={i}
              href={s.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
            >
              {s.text}
            </a>
          )
          : (
            <TextWithMentions
              key={i}
              text={s.text}
              mentionIds={mentionIds}
              mentions={mentions}
            />
          )
      )}
    </p>
  );
}
