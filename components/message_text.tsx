/**
 * Message text with http(s) links made clickable and @mentions marked (the reader's own
 * highlighted). Text is rendered as text nodes, never HTML.
 */
import type { ComponentChild } from "preact";
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

/**
 * The body of one message, as one flat list of text nodes, links and mention spans. Flat on
 * purpose: with each plain segment rendered by a component returning a fragment, an edit's new
 * text was at times inserted beside the old one instead of replacing it ("Lunch at 12?Lunch at
 * 1?"), seen in the browser tests under load.
 */
export function MessageText({ text, mentionIds, mentions }: MessageTextProps) {
  const parts: ComponentChild[] = [];
  linkify(text).forEach((s, i) => {
    if (s.kind === "link") {
      parts.push(
        <a
          key={`link${i}`}
          href={s.href}
          target="_blank"
          rel="noopener noreferrer nofollow"
        >
          {s.text}
        </a>,
      );
    } else if (!mentions || !mentionIds?.length) {
      parts.push(s.text);
    } else {
      splitMentions(s.text, mentions.userIdOf, mentionIds).forEach((m, j) => {
        parts.push(
          m.kind === "mention"
            ? (
              <span
                key={`mention${i}.${j}`}
                class={m.userId === mentions.meId
                  ? "mention mention--me"
                  : "mention"}
                data-testid={m.userId === mentions.meId
                  ? "mention-me"
                  : undefined}
              >
                {m.text}
              </span>
            )
            : m.text,
        );
      });
    }
  });
  return <p class="msg-text">{parts}</p>;
}
