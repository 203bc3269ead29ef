import assert from "node:assert/strict";
import { backoffDelay } from "../../lib/ui/backoff.ts";
import { linkify } from "../../lib/ui/linkify.ts";
import { typingLine } from "../../lib/ui/typing_state.ts";
import {
  inviteLink,
  parseInviteLink,
  safeNextPath,
} from "../../lib/ui/urls.ts";

Deno.test("linkify() turns http and https URLs into links and keeps the rest as text", () => {
  assert.deepEqual(linkify("see https://example.com/a?b=1 and http://x.org."), [
    { kind: "text", text: "see " },
    {
      kind: "link",
      text: "https://example.com/a?b=1",
      href: "https://example.com/a?b=1",
    },
    { kind: "text", text: " and " },
    { kind: "link", text: "http://x.org", href: "http://x.org/" },
    { kind: "text", text: "." },
  ]);
});

Deno.test("linkify() never links other schemes and leaves markup as plain text", () => {
  const text =
    `javascript:alert(1) <script>alert(1)</script> data:text/html,x <a href="x">`;
  assert.deepEqual(linkify(text), [{ kind: "text", text }]);
});

Deno.test("linkify() drops brackets and punctuation that close the sentence", () => {
  const segs = linkify("(see https://en.wikipedia.org/wiki/Foo_(bar)), ok?");
  assert.deepEqual(segs.filter((s) => s.kind === "link").map((s) => s.text), [
    "https://en.wikipedia.org/wiki/Foo_(bar)",
  ]);
  assert.equal(
    segs.map((s) => s.text).join(""),
    "(see https://en.wikipedia.org/wiki/Foo_(bar)), ok?",
  );
});

Deno.test("linkify() ignores URLs glued to a word and bare schemes", () => {
  assert.deepEqual(linkify("xhttps://a.b https:// http://"), [
    { kind: "text", text: "xhttps://a.b https:// http://" },
  ]);
});

Deno.test("typingLine() names one or two typists and summarises more", () => {
  assert.equal(typingLine([]), "");
  assert.equal(typingLine(["Alice"]), "Alice is typing…");
  assert.equal(typingLine(["Alice", "Bob"]), "Alice and Bob are typing…");
  assert.equal(
    typingLine(["Alice", "Bob", "Carol"]),
    "Several people are typing…",
  );
});

Deno.test("backoffDelay() stays within the upper half of a capped exponential ceiling", () => {
  assert.equal(backoffDelay(0, undefined, () => 0), 250);
  assert.equal(backoffDelay(0, undefined, () => 1), 500);
  assert.equal(backoffDelay(3, undefined, () => 0), 2_000);
  assert.equal(backoffDelay(50, undefined, () => 1), 30_000);
  assert.equal(backoffDelay(50, undefined, () => 0), 15_000);
});

Deno.test("invite links round-trip through parseInviteLink()", () => {
  const link = inviteLink("https://chat.example", "g 1", "c&d");
  assert.equal(link, "https://chat.example/join/g%201?code=c%26d");
  assert.deepEqual(parseInviteLink(link), { groupId: "g 1", code: "c&d" });
  assert.deepEqual(parseInviteLink(" /join/g2 "), {
    groupId: "g2",
    code: null,
  });
  assert.equal(parseInviteLink("https://chat.example/other/g1"), null);
  assert.equal(parseInviteLink(""), null);
});

Deno.test("safeNextPath() keeps same-site paths and refuses everything else", () => {
  assert.equal(safeNextPath("/join/g1?code=x"), "/join/g1?code=x");
  assert.equal(safeNextPath("//evil.example/x"), "/");
  assert.equal(safeNextPath("/\\evil.example"), "/");
  assert.equal(safeNextPath("https://evil.example/"), "/");
  assert.equal(safeNextPath(null), "/");
});
