/**
 * The emoji rule of PROTOCOL.md §4: one fully-qualified Unicode emoji grapheme (skin tones, ZWJ
 * sequences, flags and keycaps included), at most 64 UTF-8 bytes. `\p{RGI_Emoji}` (the `v` flag)
 * is exactly Unicode's list of recommended emoji, fully qualified, so an unqualified "❤" or a
 * lone regional indicator is refused, and the whole string must be one such sequence.
 */
import { z } from "zod";
import { limits } from "./limits.ts";

const oneEmoji = /^\p{RGI_Emoji}$/v;
/** Skin tones and hair styles alone: in the RGI set, but Unicode's status is "component". */
const componentOnly = /^[\u{1F3FB}-\u{1F3FF}\u{1F9B0}-\u{1F9B3}]$/u;
const encoder = new TextEncoder();

/** Why `text` is not one emoji, or null when it is. */
export function emojiProblem(text: string): string | null {
  if (text.length === 0) return "emoji is empty";
  // Checked first so an absurdly long string is never matched against the pattern.
  if (text.length > limits.maxEmojiBytes) return "emoji is over 64 bytes";
  if (encoder.encode(text).length > limits.maxEmojiBytes) {
    return "emoji is over 64 bytes";
  }
  if (!oneEmoji.test(text) || componentOnly.test(text)) {
    return "emoji is not one fully-qualified emoji";
  }
  return null;
}

/** The zod form of the rule, for frames and URL parameters. */
export const emojiSchema = z.string().superRefine((value, ctx) => {
  const problem = emojiProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
