import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { EmojiPicker } from "../../components/emoji_picker.tsx";
import { GroupList } from "../../components/group_list.tsx";
import {
  MessageItem,
  type MessageItemActions,
} from "../../components/message_item.tsx";
import type { MentionContext } from "../../components/message_text.tsx";
import { namesText } from "../../components/reaction_chips.tsx";
import { excerpt } from "../../components/reply_quote.tsx";
import { alice, bob, carol, group, msg } from "./fakes.ts";

const noop = () => {};
const actions: MessageItemActions = {
  onReply: noop,
  onPickReaction: noop,
  onToggleReaction: noop,
};
const names = new Map([[alice.id, "alice"], [bob.id, "bob"], [
  carol.id,
  "carol",
]]);
const nameOf = (id: string) => names.get(id) ?? "Someone";
const mentions: MentionContext = {
  userIdOf: (n) => [alice, bob, carol].find((u) => u.username === n)?.id,
  meId: alice.id,
};

Deno.test("a deleted message reads 'Message deleted' in place, without text, reactions or actions", () => {
  const html = render(
    <MessageItem
      message={msg("g", 1, {
        deleted: true,
        text: "",
        reactions: { "👍": [bob.id] },
        reply_to: 3,
      })}
      continuation={false}
      mine={false}
      actions={actions}
      quote={{ state: "unknown" }}
    />,
  );
  assert.match(html, /Message deleted/);
  assert.match(html, /data-deleted="true"/);
  assert.ok(!html.includes("reaction"));
  assert.ok(!html.includes("msg-actions"));
  assert.ok(!html.includes("reply-quote"));
});

Deno.test("an edited message shows '(edited)' and the toolbar offers only what the reader may do", () => {
  const theirs = render(
    <MessageItem
      message={msg("g", 1, { edited_at: "2025-01-01T12:30:00.000Z" })}
      continuation={false}
      mine={false}
      actions={actions}
    />,
  );
  assert.match(theirs, /\(edited\)/);
  assert.match(theirs, /aria-label="Reply"/);
  assert.match(theirs, /aria-label="Add a reaction"/);
  assert.ok(!theirs.includes('aria-label="Edit"'));
  assert.ok(!theirs.includes('aria-label="Delete"'));
  const mine = render(
    <MessageItem
      message={msg("g", 2, { author: alice })}
      continuation={false}
      mine
      actions={{ ...actions, onEdit: noop, onDelete: noop }}
    />,
  );
  assert.match(mine, /aria-label="Edit"/);
  assert.match(mine, /aria-label="Delete"/);
});

Deno.test("reaction chips show counts, the reader's own pressed, and who reacted in the tooltip", () => {
  const html = render(
    <MessageItem
      message={msg("g", 1, {
        reactions: { "👍": [bob.id, alice.id, carol.id], "🎉": [bob.id] },
      })}
      continuation={false}
      mine={false}
      meId={alice.id}
      nameOf={nameOf}
      actions={actions}
    />,
  );
  assert.match(
    html,
    /class="reaction reaction--mine" aria-pressed="true" title="bob, you and carol reacted with 👍"/,
  );
  assert.match(html, /reaction-count" aria-hidden="true">3</);
  assert.match(html, /aria-pressed="false" title="bob reacted with 🎉"/);
  assert.equal(namesText(["a", "b"]), "a and b");
});

Deno.test("a reply shows a one-line quote of the original's author and text", () => {
  const html = render(
    <MessageItem
      message={msg("g", 5, { reply_to: 2 })}
      continuation
      mine={false}
      quote={{
        state: "loaded",
        author: "carol",
        text: "first line\nsecond <b>line</b>",
        deleted: false,
      }}
    />,
  );
  assert.match(html, /reply-quote-author">carol</);
  assert.match(html, /first line second &lt;b>line&lt;\/b>/);
  assert.equal(excerpt("x".repeat(200), 10), "xxxxxxxxx…");
  const gone = render(
    <MessageItem
      message={msg("g", 5, { reply_to: 2 })}
      continuation
      mine={false}
      quote={{ state: "loaded", author: "carol", text: "", deleted: true }}
    />,
  );
  assert.match(gone, /Message deleted/);
});

Deno.test("mentions of the reader are highlighted, others are marked, and markup stays text", () => {
  const html = render(
    <MessageItem
      message={msg("g", 1, {
        text: "@alice and @bob: <script>x</script> @carol",
        mentions: [alice.id, bob.id],
      })}
      continuation={false}
      mine={false}
      meId={alice.id}
      mentions={mentions}
    />,
  );
  assert.match(html, /class="msg msg--mention"/);
  assert.match(
    html,
    /<span class="mention mention--me" data-testid="mention-me">@alice<\/span>/,
  );
  assert.match(html, /<span class="mention">@bob<\/span>/);
  assert.ok(!html.includes("<script>"));
  assert.ok(!html.includes(">@carol</span>"), "carol is not in mentions");
});

Deno.test("the sidebar shows a mention badge apart from the unread count", () => {
  const html = render(
    <GroupList
      groups={[group("g1", { name: "General" }), group("g2")]}
      unread={new Map([["g1", 4], ["g2", 1]])}
      mentions={new Map([["g1", 2]])}
      activeId={null}
      onSelect={noop}
    />,
  );
  assert.match(html, /aria-label="2 mentions" data-testid="mentions">@2</);
  assert.match(html, /aria-label="4 unread" data-testid="unread">4</);
  assert.equal([...html.matchAll(/data-testid="mentions"/g)].length, 1);
});

Deno.test("the emoji picker labels every choice and the recently used ones", () => {
  const html = render(
    <EmojiPicker
      emojis={["🚀", "👍", "❤️"]}
      recent={1}
      onPick={noop}
      onClose={noop}
    />,
  );
  assert.match(html, /role="dialog" aria-label="Pick a reaction"/);
  assert.match(html, /Recently used/);
  const recent = html.slice(
    html.indexOf("Recently used"),
    html.indexOf(">More<"),
  );
  assert.match(recent, /aria-label="React with 🚀"/);
  assert.ok(!recent.includes("👍"));
  assert.equal([...html.matchAll(/aria-label="React with/g)].length, 3);
});
