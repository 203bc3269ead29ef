/**
 * @mentions in message text, by the rule of PROTOCOL.md §4: `@` followed by the longest run of
 * username characters, with trailing `.` and `-` dropped. Used to highlight mentions in the
 * timeline and to complete them in the composer; the server alone decides who is mentioned.
 */

/** A piece of text, or a mention of a user. */
export type MentionSegment =
  | { kind: "text"; text: string }
  | { kind: "mention"; text: string; userId: string };

const token = /@([a-zA-Z0-9_.-]+)/g;

/** The name a mention token names: its username characters without trailing `.` and `-`. */
export function mentionName(run: string): string {
  return run.replace(/[.-]+$/, "");
}

/**
 * Splits text into plain pieces and mentions. A token is a mention when `userIdOf` knows its
 * name (case-insensitive) and, when `mentionIds` is given, the server listed that user.
 */
export function splitMentions(
  text: string,
  userIdOf: (lowerName: string) => string | undefined,
  mentionIds?: readonly string[],
): MentionSegment[] {
  const out: MentionSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(token)) {
    const name = mentionName(match[1]);
    const userId = name ? userIdOf(name.toLowerCase()) : undefined;
    if (!userId || (mentionIds && !mentionIds.includes(userId))) continue;
    const end = match.index + 1 + name.length;
    if (match.index > last) {
      out.push({ kind: "text", text: text.slice(last, match.index) });
    }
    out.push({ kind: "mention", text: text.slice(match.index, end), userId });
    last = end;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/** An `@name` being typed just before the caret: where it starts and what is typed so far. */
export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** The characters typed after `@` (may be empty). */
  query: string;
}

/** The mention being typed at `caret`, if the caret ends an `@…` that starts a word. */
export function mentionQueryAt(
  text: string,
  caret: number,
): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|[^a-zA-Z0-9_.@-])@([a-zA-Z0-9_.-]{0,32})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2] };
}

/** Usernames that complete `query`: prefix matches first, then other matches, at most `max`. */
export function mentionCandidates(
  names: readonly string[],
  query: string,
  max = 8,
): string[] {
  const q = query.toLowerCase();
  const sorted = [...names].sort((a, b) => a.localeCompare(b));
  const prefix = sorted.filter((n) => n.toLowerCase().startsWith(q));
  const inner = sorted.filter((n) =>
    !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q)
  );
  return [...prefix, ...inner].slice(0, max);
}

/** The text with the typed query replaced by `@name ` and the caret after it. */
export function completeMention(
  text: string,
  at: MentionQuery,
  name: string,
): { text: string; caret: number } {
  const end = at.start + 1 + at.query.length;
  const insert = `@${name} `;
  const rest = text.slice(end).replace(/^ /, "");
  return {
    text: text.slice(0, at.start) + insert + rest,
    caret: at.start + insert.length,
  };
}
