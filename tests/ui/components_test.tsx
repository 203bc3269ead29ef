import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { jsonForScript } from "../../components/island_root.tsx";
import { MemberList } from "../../components/member_list.tsx";
import { MessageItem, seenByText } from "../../components/message_item.tsx";
import { PendingItem } from "../../components/pending_item.tsx";
import { TypingLine } from "../../components/typing_line.tsx";
import { alice, bob, carol, msg } from "./fakes.ts";

Deno.test("a message renders typed markup as text and only http(s) URLs as safe links", () => {
  const text =
    `<img src=x onerror=alert(1)> javascript:alert(1) https://example.com/x?a=1&b=2`;
  const html = render(
    <MessageItem
      message={msg("g", 1, { text })}
      continuation={false}
      mine={false}
    />,
  );
  assert.ok(!html.includes("<img"));
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)>"));
  assert.ok(!html.includes('href="javascript:'));
  assert.match(
    html,
    /<a href="https:\/\/example.com\/x\?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">/,
  );
});

Deno.test("a continued message has no header, and seen-by names show under it", () => {
  const html = render(
    <MessageItem
      message={msg("g", 2)}
      continuation
      mine={false}
      seenBy={["bob", "carol"]}
    />,
  );
  assert.ok(!html.includes("msg-head"));
  assert.match(html, /Seen by bob, carol/);
  assert.equal(
    seenByText(["a", "b", "c", "d", "e"]),
    "Seen by a, b and 3 others",
  );
});

Deno.test("a failed message offers Retry and Discard; a pending one says Sending", () => {
  const entry = {
    nonce: "n1",
    group_id: "g",
    text: "hi",
    status: "failed" as const,
    error: "Not sent: no connection.",
    queued_at: 0,
  };
  const noop = () => {};
  const failed = render(
    <PendingItem
      entry={entry}
      author="alice"
      onRetry={noop}
      onDiscard={noop}
    />,
  );
  assert.match(failed, />Retry</);
  assert.match(failed, /Not sent: no connection\./);
  const pending = render(
    <PendingItem
      entry={{ ...entry, status: "pending" }}
      author="alice"
      onRetry={noop}
      onDiscard={noop}
    />,
  );
  assert.match(pending, /Sending…/);
  assert.ok(!pending.includes("Retry"));
});

Deno.test("the member list shows online members first with live presence", () => {
  const html = render(
    <MemberList
      members={[{ ...alice, online: false }, { ...bob, online: false }, {
        ...carol,
        online: true,
      }]}
      presence={new Map([[bob.id, true]])}
      meId={alice.id}
    />,
  );
  assert.match(html, /Members — 2 online/);
  const order = [...html.matchAll(/member-name">(\w+)</g)].map((m) => m[1]);
  assert.deepEqual(order, ["bob", "carol", "alice"]);
});

Deno.test("the typing line is empty but present when nobody types", () => {
  assert.equal(
    render(<TypingLine names={[]} />),
    '<div class="typing" aria-live="polite" data-testid="typing"></div>',
  );
  assert.match(
    render(<TypingLine names={["Alice", "Bob"]} />),
    /Alice and Bob are typing…/,
  );
});

Deno.test("jsonForScript() escapes everything that could end a script element", () => {
  const out = jsonForScript({ s: "</script><!-- & \u2028" });
  assert.ok(!/[<>&\u2028]/.test(out));
  assert.deepEqual(JSON.parse(out), { s: "</script><!-- & \u2028" });
});
