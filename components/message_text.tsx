/** Message text with http(s) links made clickable. Text is rendered as text nodes, never HTML. */
import { linkify } from "../lib/ui/linkify.ts";

/** The body of one message. */
export function MessageText({ text }: { text: string }) {
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
          : s.text
      )}
    </p>
  );
}
