import assert from "node:assert/strict";
import {
  displayName,
  hasVisibleText,
  messageText,
  messageTextProblem,
  nameProblem,
} from "../../lib/protocol/text_rules.ts";
import { parseClientFrame } from "../../lib/protocol/client_frames.ts";
import { createGroup, sendMessage } from "../../lib/protocol/http_bodies.ts";

/** Texts that look empty: each is made only of characters that show nothing. */
const invisibleTexts: Record<string, string> = {
  "zero-width space": "\u200B",
  "Hangul filler": "\u3164",
  "soft hyphen": "\u00AD",
  "byte order mark": "\uFEFF",
  "word joiner": "\u2060",
  "Hangul choseong and jungseong fillers": "\u115F\u1160",
  "halfwidth Hangul filler": "\uFFA0",
  "zero-width joiners": "\u200C\u200D\u200C",
  "blank Braille pattern": "\u2800\u2800",
  "ideographic and no-break spaces": "\u3000\u00A0",
  "variation selector": "\uFE0F",
  "tag characters": "\u{E0041}\u{E0042}",
  "a mix of them": "\u200B \u3164\u00AD\u2060\uFEFF\u202E",
};

const loneSurrogates = ["a\uD800b", "\uDC00", "hi \uD83D"];

Deno.test("hasVisibleText() refuses text made only of invisible characters", () => {
  for (const [name, text] of Object.entries(invisibleTexts)) {
    assert.equal(hasVisibleText(text), false, name);
    assert.match(messageTextProblem(text) ?? "", /no visible/, name);
    assert.match(nameProblem(text) ?? "", /no visible|bidi/, name);
  }
});

Deno.test("hasVisibleText() accepts ordinary text, emoji and right-to-left scripts", () => {
  for (
    const text of [
      "hi",
      "\u2764\uFE0F",
      "👍🏽",
      "שלום",
      "مرحبا",
      "\u200Bx",
      "한국어",
    ]
  ) {
    assert.equal(hasVisibleText(text), true, text);
    assert.equal(messageTextProblem(text), null, text);
  }
});

Deno.test("lone surrogates are refused in message text and in names", () => {
  for (const text of loneSurrogates) {
    assert.match(messageTextProblem(text) ?? "", /lone surrogate/);
    assert.match(nameProblem(text) ?? "", /lone surrogate/);
  }
});

Deno.test("names refuse bidi overrides and isolates, message text keeps them", () => {
  for (const c of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E"]) {
    assert.match(nameProblem(`team${c}gpj.exe`) ?? "", /bidi/);
  }
  for (const c of ["\u2066", "\u2067", "\u2068", "\u2069"]) {
    assert.match(nameProblem(`a${c}b`) ?? "", /bidi/);
  }
  assert.equal(messageTextProblem("quote: \u2067שלום\u2069 ok"), null);
});

Deno.test("names refuse control characters", () => {
  assert.match(nameProblem("two\nlines") ?? "", /control/);
  assert.match(nameProblem("bell\u0007") ?? "", /control/);
});

Deno.test("messageText() and displayName() trim, bound and apply the rules", () => {
  assert.equal(messageText(10).parse("  hi "), "hi");
  assert.equal(displayName(10).parse(" Team "), "Team");
  assert.equal(messageText(10).safeParse("\u200B").success, false);
  assert.equal(messageText(10).safeParse("x".repeat(11)).success, false);
  assert.equal(displayName(10).safeParse("a\u202Eb").success, false);
});

Deno.test("the frame schema and the HTTP body schemas share the rules", () => {
  for (const text of [...Object.values(invisibleTexts), ...loneSurrogates]) {
    const frame = parseClientFrame(
      JSON.stringify({ type: "message", group_id: "g", text }),
    );
    assert.equal(frame.ok, false, JSON.stringify(text));
    assert.equal(sendMessage.safeParse({ text }).success, false);
    assert.equal(createGroup.safeParse({ name: text }).success, false);
  }
  assert.equal(createGroup.safeParse({ name: "a\u2066b" }).success, false);
  assert.equal(
    sendMessage.safeParse({ text: "hi", nonce: "\uD800" }).success,
    false,
  );
});
