/**
 * Mentions (PROTOCOL.md §4): `@` followed by the longest run of username characters, with
 * trailing `.` and `-` dropped, mentions the member with that name (case-insensitive). Pure.
 */
import type { User } from "../protocol/types.ts";

const candidate = /@([a-zA-Z0-9_.-]+)/g;

/** The lower-cased names the text mentions (members or not). */
export function mentionedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(candidate)) {
    const name = match[1].replace(/[.-]+$/, "");
    if (name.length > 0) names.add(name.toLowerCase());
  }
  return names;
}

/** True when the text may mention anyone: saves reading the members of most messages. */
export function mayMention(text: string): boolean {
  return text.includes("@");
}

/** The ids of the members the text mentions, in member order; undefined when none. */
export function findMentions(
  text: string,
  members: User[],
): string[] | undefined {
  const names = mentionedNames(text);
  if (names.size === 0) return undefined;
  const ids = members
    .filter((m) => names.has(m.username.toLowerCase()))
    .map((m) => m.id);
  return ids.length > 0 ? ids : undefined;
}
