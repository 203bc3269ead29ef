/**
 * What text a person may show to others: message text and group names. Used by the frame schemas
 * and the HTTP body schemas alike (and by any later field that shows text, e.g. edit), so the
 * socket and HTTP paths can never disagree.
 *
 * Refused, because each one lets a sender show others something other than what they seem to
 * send: lone surrogates (not text; they become U+FFFD somewhere downstream, so stores and clients
 * disagree), text with nothing visible in it (zero-width, format, blank and filler characters
 * make an empty-looking message or a nameless group), and in names, bidi overrides and isolates
 * (they reorder the text around a name, e.g. in a member or group list).
 */
import { z } from "zod";

/**
 * Characters that show nothing: default-ignorable code points (zero-width space and joiners,
 * soft hyphen, BOM, word joiner, bidi controls, variation selectors, Hangul fillers U+115F,
 * U+1160, U+3164, U+FFA0, tags), other format characters, controls, every kind of space and
 * line separator, and the blank Braille pattern U+2800.
 */
const invisible =
  /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\p{White_Space}\p{Z}\u2800]/gu;

/** Bidi embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/u;

/** Control characters (C0, DEL, C1): a name is one line of plain text. */
const control = /\p{Cc}/u;

/** True when the string holds no lone surrogate. */
export function isWellFormed(text: string): boolean {
  return text.isWellFormed();
}

/** True when at least one character of `text` shows something. */
export function hasVisibleText(text: string): boolean {
  return text.replace(invisible, "") !== "";
}

/** Why `text` cannot be a message text, or null when it can. */
export function messageTextProblem(text: string): string | null {
  if (!isWellFormed(text)) return "contains a lone surrogate";
  if (!hasVisibleText(text)) return "has no visible characters";
  return null;
}

/** Why `name` cannot be a name (of a group), or null when it can. */
export function nameProblem(name: string): string | null {
  if (!isWellFormed(name)) return "contains a lone surrogate";
  if (bidiControl.test(name)) {
    return "may not contain bidi override or isolate characters";
  }
  if (control.test(name)) return "may not contain control characters";
  if (!hasVisibleText(name)) return "has no visible characters";
  return null;
}

/**
 * A trimmed text field of 1–`max` characters that passes `problem`. Raw input over 4 × `max`
 * is refused before trimming, so no huge string is ever copied.
 */
function checkedText(
  what: string,
  max: number,
  problem: (text: string) => string | null,
) {
  return z.string().max(max * 4).transform((s) => s.trim()).pipe(
    z.string().min(1, `${what} is empty`).max(max).superRefine((s, ctx) => {
      const why = problem(s);
      if (why) ctx.addIssue({ code: "custom", message: `${what} ${why}` });
    }),
  );
}

/** Schema of a message's text (frames and HTTP). */
export function messageText(max: number) {
  return checkedText("text", max, messageTextProblem);
}

/** Schema of a shown name, e.g. a group's. */
export function displayName(max: number) {
  return checkedText("name", max, nameProblem);
}

/** Schema of an opaque client string (nonce, ref, invite code): well-formed, 1–`max` chars. */
export function opaqueString(max: number) {
  return z.string().min(1).max(max).refine(
    isWellFormed,
    "contains a lone surrogate",
  );
}

/** Why `text` cannot be a description, or null: like a name, but it may be empty or span lines. */
export function descriptionProblem(text: string): string | null {
  if (!isWellFormed(text)) return "contains a lone surrogate";
  if (bidiControl.test(text)) {
    return "may not contain bidi override or isolate characters";
  }
  if (/[^\P{Cc}\n\t]/u.test(text)) return "may not contain control characters";
  return null;
}

/** Schema of a group's description: trimmed, 0–`max` characters. */
export function descriptionText(max: number) {
  return z.string().max(max * 4).transform((s) => s.trim()).pipe(
    z.string().max(max).superRefine((s, ctx) => {
      const why = descriptionProblem(s);
      if (why) ctx.addIssue({ code: "custom", message: `description ${why}` });
    }),
  );
}
