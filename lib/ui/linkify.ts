/**
 * Splits message text into plain text and http(s) links. Components render the pieces as text
 * nodes and anchors, so nothing a user types becomes markup; only http: and https: URLs, checked
 * by the URL parser, ever reach an href.
 */

/** A piece of message text. */
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string };

const candidate = /https?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const trailing = /[.,;:!?*'"]+$/;

/** Cuts closing brackets the URL did not open, e.g. "(see http://x.y/a)". */
function balance(url: string): string {
  let out = url;
  for (const [open, close] of [["(", ")"], ["[", "]"], ["{", "}"]]) {
    while (
      out.endsWith(close) && out.split(close).length > out.split(open).length
    ) {
      out = out.slice(0, -1).replace(trailing, "");
    }
  }
  return out;
}

/** Returns the normalised href when `raw` is a valid http(s) URL, else null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:"
      ? url.href
      : null;
  } catch {
    return null;
  }
}

/** Splits text into segments; concatenating their `text` gives back the input. */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = out[out.length - 1];
    if (prev?.kind === "text") prev.text += t;
    else out.push({ kind: "text", text: t });
  };
  for (const match of text.matchAll(candidate)) {
    const start = match.index;
    // "xhttp://" or "/http://" is part of a larger word, not a link.
    if (start > 0 && /[\w/]/.test(text[start - 1])) continue;
    const url = balance(match[0].replace(trailing, ""));
    const href = safeHref(url);
    if (!href || url.length <= "https://".length) continue;
    push(text.slice(last, start));
    out.push({ kind: "link", text: url, href });
    last = start + url.length;
  }
  push(text.slice(last));
  return out;
}
