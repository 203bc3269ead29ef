/**
 * The emoji picker's choices: a short built-in list, and the reader's recently used emojis kept
 * in localStorage (newest first, a few only). No external service, no emoji database.
 */

/** The built-in choices, in picker order. */
export const builtInEmojis: readonly string[] = [
  "👍",
  "❤️",
  "😂",
  "🎉",
  "😮",
  "😢",
  "🙏",
  "👀",
  "🔥",
  "✅",
  "🚀",
  "👎",
];

/** How many recently used emojis are remembered. */
export const maxRecent = 8;
const storageKey = "salvioris.recent-emojis";

/** The part of Storage the list needs (localStorage, or a Map-backed fake in tests). */
export type EmojiStorage = Pick<Storage, "getItem" | "setItem">;

/** Reads the recently used emojis; anything unreadable counts as none. */
export function recentEmojis(storage: EmojiStorage | null): string[] {
  try {
    const raw = JSON.parse(storage?.getItem(storageKey) ?? "[]");
    if (!Array.isArray(raw)) return [];
    // Only short strings: the value is the reader's own, but storage may hold anything.
    return raw.filter((e): e is string =>
      typeof e === "string" && e.length > 0 && e.length <= 16
    ).slice(0, maxRecent);
  } catch {
    return [];
  }
}

/** Puts `emoji` first in the recently used list. */
export function rememberEmoji(
  storage: EmojiStorage | null,
  emoji: string,
): void {
  const next = [emoji, ...recentEmojis(storage).filter((e) => e !== emoji)]
    .slice(0, maxRecent);
  try {
    storage?.setItem(storageKey, JSON.stringify(next));
  } catch { /* storage full or blocked: recents are a nicety */ }
}

/** The picker's list: recently used first, then the built-in ones not among them. */
export function pickerEmojis(storage: EmojiStorage | null): string[] {
  const recent = recentEmojis(storage);
  return [...recent, ...builtInEmojis.filter((e) => !recent.includes(e))];
}
