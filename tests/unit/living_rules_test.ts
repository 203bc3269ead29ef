/** The pure rules of §4: the emoji rule, mentions, and the next state of each change. */
import assert from "node:assert/strict";
import { emojiProblem } from "../../lib/protocol/emoji.ts";
import { findMentions, mentionedNames } from "../../lib/core/mentions.ts";
import { edit, react, remove } from "../../lib/core/message_rules.ts";
import { ChatError } from "../../lib/protocol/errors.ts";
import type { Message } from "../../lib/protocol/types.ts";

Deno.test("emojiProblem() accepts one fully-qualified emoji: plain, skin tone, ZWJ, flag, keycap", () => {
  for (
    const emoji of ["👍", "👍🏽", "👨‍👩‍👧", "🧑🏿‍🚀", "🇫🇷", "🏴‍☠️", "1️⃣", "#️⃣", "❤️", "🫠"]
  ) {
    assert.equal(emojiProblem(emoji), null, emoji);
  }
});

Deno.test("emojiProblem() refuses text, several emojis, unqualified or partial sequences and long input", () => {
  for (
    const emoji of [
      "",
      "a",
      "👍👍",
      "👍 ",
      "❤",
      "1",
      "🇫",
      "\u{1F3FD}",
      "\u{1F9B0}",
      "👍\u200D",
      "x".repeat(65),
      "👍".repeat(20),
    ]
  ) {
    assert.notEqual(emojiProblem(emoji), null, JSON.stringify(emoji));
  }
});

Deno.test("mentions: the longest run of name characters, trailing . and - dropped, members only", () => {
  assert.deepEqual(
    [...mentionedNames("hi @Ann. and @bob-- (@c.d.) @ alone @x_y!")],
    ["ann", "bob", "c.d", "x_y"],
  );
  const members = [
    { id: "1", username: "Ann" },
    { id: "2", username: "c.d" },
    { id: "3", username: "zed" },
  ];
  assert.deepEqual(findMentions("@ann @C.D. @nobody", members), ["1", "2"]);
  assert.equal(findMentions("no one here", members), undefined);
  assert.equal(findMentions("@nobody", members), undefined);
  assert.equal(findMentions("mail@zed", members)?.[0], "3", "any @ counts");
});

const base: Message = {
  id: "m1",
  group_id: "g",
  seq: 1,
  author: { id: "ann", username: "ann" },
  text: "hello",
  created_at: "2024-01-01T00:00:00.000Z",
  nonce: null,
  rev: 3,
};
const ann = { userId: "ann", moderates: false };
const bob = { userId: "bob", moderates: false };
const owner = { userId: "own", moderates: true };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as ChatError).code;
  }
  return "none";
};

Deno.test("edit() is the author's; the same text changes nothing; a deleted message is not_found", () => {
  const at = "2024-01-02T00:00:00.000Z";
  const next = edit(base, ann, { text: "new @bob", mentions: ["bob"], at })!;
  assert.deepEqual(next, {
    ...base,
    text: "new @bob",
    mentions: ["bob"],
    edited_at: at,
  });
  assert.equal(
    edit(base, ann, { text: "hello", mentions: undefined, at }),
    null,
  );
  const noMentions = edit(next, ann, {
    text: "plain",
    mentions: undefined,
    at,
  })!;
  assert.equal("mentions" in noMentions, false);
  assert.equal(
    code(() => edit(base, bob, { text: "x", mentions: undefined, at })),
    "forbidden",
  );
  const tomb = remove(base, ann)!;
  assert.equal(
    code(() => edit(tomb, ann, { text: "x", mentions: undefined, at })),
    "not_found",
  );
});

Deno.test("remove() keeps id, seq, author, times and reply; erases text, reactions, mentions", () => {
  const full: Message = {
    ...base,
    reactions: { "👍": ["bob"] },
    mentions: ["bob"],
    reply_to: 7,
    edited_at: "2024-01-02T00:00:00.000Z",
  };
  assert.deepEqual(remove(full, owner), {
    id: "m1",
    group_id: "g",
    seq: 1,
    author: base.author,
    text: "",
    created_at: base.created_at,
    nonce: null,
    deleted: true,
    edited_at: "2024-01-02T00:00:00.000Z",
    reply_to: 7,
  });
  assert.equal(code(() => remove(base, bob)), "forbidden");
  assert.equal(
    remove(remove(base, ann)!, ann),
    null,
    "deleting twice changes nothing",
  );
});

Deno.test("react() adds and removes once, drops an emptied emoji, and stops at 20 emojis", () => {
  const one = react(base, bob, "👍", true)!;
  assert.deepEqual(one.reactions, { "👍": ["bob"] });
  assert.equal(react(one, bob, "👍", true), null);
  assert.deepEqual(react(one, ann, "👍", true)!.reactions, {
    "👍": ["bob", "ann"],
  });
  assert.equal("reactions" in react(one, bob, "👍", false)!, false);
  assert.equal(react(one, ann, "👍", false), null);
  const emojis = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"];
  let full: Message = base;
  for (const e of emojis) full = react(full, ann, e, true)!;
  assert.equal(code(() => react(full, bob, "🙃", true)), "bad_request");
  assert.equal(
    react(full, bob, "😀", true)!.reactions!["😀"].length,
    2,
    "an existing one still takes more",
  );
  assert.equal(
    code(() => react(remove(base, ann)!, bob, "👍", true)),
    "not_found",
  );
});
