import assert from "node:assert/strict";
import {
  completeMention,
  mentionCandidates,
  mentionQueryAt,
  splitMentions,
} from "../../lib/ui/mentions.ts";

const ids = new Map([["alice", "u-a"], ["bob.smith", "u-b"]]);
const idOf = (name: string) => ids.get(name);

Deno.test("splitMentions() marks @names of known users, dropping trailing dots and dashes", () => {
  const parts = splitMentions("Hi @Alice. and @bob.smith- and @nobody", idOf);
  assert.deepEqual(parts, [
    { kind: "text", text: "Hi " },
    { kind: "mention", text: "@Alice", userId: "u-a" },
    { kind: "text", text: ". and " },
    { kind: "mention", text: "@bob.smith", userId: "u-b" },
    { kind: "text", text: "- and @nobody" },
  ]);
  assert.equal(
    parts.map((p) => p.text).join(""),
    "Hi @Alice. and @bob.smith- and @nobody",
  );
});

Deno.test("splitMentions() trusts the server's mention list when there is one", () => {
  const parts = splitMentions("@alice @bob.smith", idOf, ["u-b"]);
  assert.deepEqual(parts.map((p) => p.kind), ["text", "mention"]);
});

Deno.test("mentionQueryAt() finds the @word being typed before the caret, not an e-mail address", () => {
  assert.deepEqual(mentionQueryAt("hey @al", 7), { start: 4, query: "al" });
  assert.deepEqual(mentionQueryAt("@", 1), { start: 0, query: "" });
  assert.equal(mentionQueryAt("mail me@al", 10), null);
  assert.equal(mentionQueryAt("hey @al there", 13), null);
});

Deno.test("mentionCandidates() lists prefix matches first, then inner matches, case-insensitively", () => {
  const names = ["carol", "Alina", "alice", "malik", "bob"];
  assert.deepEqual(mentionCandidates(names, "AL"), ["alice", "Alina", "malik"]);
  assert.deepEqual(mentionCandidates(names, "", 2), ["alice", "Alina"]);
});

Deno.test("completeMention() replaces the typed query with the name and one space", () => {
  const at = mentionQueryAt("hi @al how", 6)!;
  assert.deepEqual(completeMention("hi @al how", at, "alice"), {
    text: "hi @alice how",
    caret: 10,
  });
});
