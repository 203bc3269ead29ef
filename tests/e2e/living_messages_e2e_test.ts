/**
 * Messages that change (PROTOCOL.md §4) in the browser, end to end: two people, each in their own
 * headless Chromium, on two real instances sharing a private redis-server and one KV file (one
 * instance when redis-server is missing). They edit, delete, react, reply and mention through the
 * pages, live and after one of them was disconnected while the other changed things; the resumed
 * page must show exactly what a fresh load shows. Screenshots land in tests/.artifacts/screenshots/.
 */
import assert from "node:assert/strict";
import { integration } from "../helpers/fixture.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import {
  assertNoPageThrew,
  browserIgnore,
  launchUser,
  screenshot,
  until,
} from "./_browser.ts";
import {
  connection,
  createGroup,
  markDocument,
  openGroup,
  password,
  register,
  sameDocument,
  seeOnce,
  send,
  submitCredentials,
} from "./_chat_page.ts";
import { withTwoInstances } from "./_two_instances.ts";
import {
  act,
  chip,
  edit,
  messageByText,
  react,
  remove,
  seeReaction,
  shownMessages,
} from "./_message_page.ts";

Deno.test({
  name:
    "messages change in place for two people in headless Chromium: edit, delete, react, reply, mention",
  ignore: browserIgnore,
  ...integration,
  async fn(t) {
    await withTwoInstances(async ({ servers, browsers }) => {
      const alice = await launchUser();
      browsers.push(alice);
      const bob = await launchUser();
      browsers.push(bob);
      const a = alice.page;
      const b = bob.page;
      const aliceBase = () => servers[0].url;
      const bobBase = servers[1].url;

      await t.step(
        "two people share a group, each on their own instance",
        async () => {
          await a.goto(`${aliceBase()}/`);
          await register(a, aliceBase(), "alice");
          await createGroup(a, "Notes");
          await createGroup(a, "Team");
          await a.getByRole("button", { name: "Invite" }).click();
          const link = new URL(await a.locator("#invite-url").inputValue());
          await a.getByRole("button", { name: "Done" }).click();
          await b.goto(`${bobBase}${link.pathname}${link.search}`);
          await b.waitForURL(/\/login\?next=/);
          await b.getByRole("link", { name: "Create an account" }).click();
          await submitCredentials(b, "bob", password);
          await b.getByRole("button", { name: "Join group" }).click();
          await b.locator(".chat-title", { hasText: "Team" }).waitFor();
          for (const page of [a, b]) await markDocument(page);
        },
      );

      await t.step(
        "an edit in place shows on both pages with '(edited)'; Escape cancels, Up edits the last message",
        async () => {
          await send(a, "Lunch at 12?");
          await seeOnce(b, "Lunch at 12?");
          const mine = await act(messageByText(a, "Lunch at 12?"), "Edit");
          const box = mine.locator("#edit-input");
          assert.equal(await box.inputValue(), "Lunch at 12?");
          await box.fill("Lunch at 1?");
          await screenshot(a, "edit-in-place");
          await box.press("Escape");
          await box.waitFor({ state: "detached" });
          await seeOnce(a, "Lunch at 12?");

          // Up in the empty message box opens the newest own message for editing.
          await a.locator("#composer-input").press("ArrowUp");
          await a.locator("#edit-input").fill("Lunch at 1?");
          await a.locator("#edit-input").press("Enter");
          for (const page of [a, b]) {
            await seeOnce(page, "Lunch at 1?");
            await messageByText(page, "Lunch at 1?").locator(
              '[data-testid="edited"]',
            ).waitFor();
            assert.equal(await page.getByText("Lunch at 12?").count(), 0);
          }
          // Nobody may edit another's message: Bob's toolbar has no Edit.
          const theirs = messageByText(b, "Lunch at 1?");
          await theirs.hover();
          await theirs.getByRole("button", { name: "Reply" }).waitFor();
          assert.equal(
            await theirs.getByRole("button", { name: "Edit", exact: true })
              .count(),
            0,
          );
        },
      );

      await t.step(
        "reactions show as chips with counts and who reacted, and toggle on click",
        async () => {
          const onBob = messageByText(b, "Lunch at 1?");
          await act(onBob, "Add a reaction");
          await onBob.getByTestId("emoji-picker").waitFor();
          await screenshot(b, "emoji-picker");
          await onBob.getByRole("button", { name: "React with 👍" }).click();
          const onAlice = messageByText(a, "Lunch at 1?");
          await seeReaction(onAlice, "👍", 1);
          assert.equal(
            await chip(onAlice, "👍").getAttribute("title"),
            "bob reacted with 👍",
          );
          await chip(onAlice, "👍").click();
          await seeReaction(onBob, "👍", 2);
          assert.equal(
            await chip(onAlice, "👍").getAttribute("aria-pressed"),
            "true",
          );
          await react(onAlice, "🎉");
          await seeReaction(onBob, "🎉", 1);
          await screenshot(a, "reactions");
          await chip(onAlice, "👍").click();
          await seeReaction(onBob, "👍", 1);
          // The picker remembers what was used, first.
          await act(onBob, "Add a reaction");
          await onBob.getByText("Recently used").waitFor();
          assert.equal(
            await onBob.locator(".emoji").first().getAttribute("data-emoji"),
            "👍",
          );
          await b.keyboard.press("Escape");
          await onBob.getByTestId("emoji-picker").waitFor({
            state: "detached",
          });
        },
      );

      await t.step(
        "a reply shows a quote of the original that jumps to it",
        async () => {
          await act(messageByText(b, "Lunch at 1?"), "Reply");
          await b.getByTestId("reply-bar").getByText("alice").waitFor();
          await screenshot(b, "replying");
          await send(b, "Works for me");
          await b.getByTestId("reply-bar").waitFor({ state: "detached" });
          for (const page of [a, b]) {
            const reply = messageByText(page, "Works for me");
            const quote = reply.getByTestId("reply-quote");
            await quote.waitFor();
            assert.match(
              await quote.textContent() ?? "",
              /alice\s*Lunch at 1\?/,
            );
          }
          await messageByText(a, "Works for me").getByTestId("reply-quote")
            .click();
          await a.locator(".msg--highlight .msg-text", {
            hasText: "Lunch at 1?",
          })
            .waitFor();
          await screenshot(a, "reply-jump");
        },
      );

      await t.step(
        "markup in edited text and in reply quotes renders as text on both pages",
        async () => {
          await send(b, "<b>not bold</b>");
          await seeOnce(a, "<b>not bold</b>");
          await act(messageByText(a, "<b>not bold</b>"), "Reply");
          await send(a, "Quoting markup");
          await seeOnce(b, "Quoting markup");
          const payload =
            `<img src=x onerror="window.__xss=1"> <script>window.__xss=1</script>`;
          await edit(messageByText(b, "<b>not bold</b>"), payload);
          for (const page of [a, b]) {
            await seeOnce(page, payload);
            const quote = messageByText(page, "Quoting markup").getByTestId(
              "reply-quote",
            );
            await quote.getByText(payload).waitFor();
            const found = await page.evaluate(() => ({
              xss: (globalThis as { __xss?: unknown }).__xss,
              elements: document.querySelector(".messages")!
                .querySelectorAll("img, script, b").length,
            }));
            assert.deepEqual(found, { xss: undefined, elements: 0 });
          }
        },
      );

      await t.step(
        "@ opens member autocomplete, and a mention shows as a badge and a highlight",
        async () => {
          await openGroup(a, "Notes");
          const box = b.locator("#composer-input");
          await box.pressSequentially("@al");
          const list = b.getByTestId("mention-list");
          await list.getByRole("option", { name: "@alice" }).waitFor();
          assert.equal(await box.getAttribute("aria-expanded"), "true");
          await screenshot(b, "mention-autocomplete");
          // Escape closes the list and keeps the text; Tab (like Enter) completes.
          await box.press("Escape");
          await list.waitFor({ state: "hidden" });
          assert.equal(await box.inputValue(), "@al");
          await box.fill("");
          await box.pressSequentially("@AL");
          await list.getByRole("option", { name: "@alice" }).waitFor();
          await box.press("ArrowDown");
          assert.equal(
            await box.getAttribute("aria-activedescendant"),
            "mention-option-0",
          );
          await box.press("Tab");
          assert.equal(await box.inputValue(), "@alice ");
          assert.equal(await list.isHidden(), true);
          await box.pressSequentially("can you book it?");
          await box.press("Enter");
          await seeOnce(b, "@alice can you book it?");
          const team = a.locator('[data-testid="group"]', { hasText: "Team" });
          await team.getByTestId("mentions").getByText("@1").waitFor();
          await team.getByTestId("unread").getByText("1").waitFor();
          await screenshot(a, "mention-badge");
          await openGroup(a, "Team");
          const mention = messageByText(a, "@alice can you book it?");
          await mention.getByTestId("mention-me").getByText("@alice").waitFor();
          await team.getByTestId("mentions").waitFor({ state: "detached" });
          await screenshot(a, "mention-highlight");
        },
      );

      await t.step(
        "deleting asks first and leaves 'Message deleted' in place; deleted unread messages stop counting",
        async () => {
          await remove(b, messageByText(b, "Works for me"));
          for (const page of [a, b]) {
            await page.locator('[data-testid="message"][data-deleted="true"]')
              .first().waitFor();
            assert.equal(await page.getByText("Works for me").count(), 0);
          }
          await screenshot(a, "deleted");
          // The group's owner may delete anyone's message.
          await act(messageByText(a, "@alice can you book it?"), "Delete");
          await screenshot(a, "delete-confirm");
          await a.getByRole("dialog").getByRole("button", {
            name: "Delete",
            exact: true,
          }).click();
          await until(
            "both deleted on Bob's page",
            async () =>
              await b.locator('[data-testid="message"][data-deleted="true"]')
                .count() === 2,
          );

          await openGroup(a, "Notes");
          await send(b, "@alice never mind");
          const team = a.locator('[data-testid="group"]', { hasText: "Team" });
          await team.getByTestId("mentions").waitFor();
          await remove(b, messageByText(b, "@alice never mind"));
          await team.getByTestId("mentions").waitFor({ state: "detached" });
          await team.getByTestId("unread").waitFor({ state: "detached" });
          await openGroup(a, "Team");
        },
      );

      await t.step(
        "changes made while a page was disconnected appear after it reconnects, as a fresh load shows them",
        async () => {
          await send(b, "Agenda: budget");
          await seeOnce(a, "Agenda: budget");
          await send(b, "Typo here");
          await seeOnce(a, "Typo here");
          const old = servers[0];
          await old.stop();
          await until(
            "the page to notice",
            async () =>
              ["reconnecting", "offline"].includes(await connection(a) ?? ""),
          );
          await edit(
            messageByText(b, "Agenda: budget"),
            "Agenda: budget, hiring",
          );
          await react(messageByText(b, "Lunch at 1?"), "❤️");
          await remove(b, messageByText(b, "Typo here"));
          await act(messageByText(b, "Agenda: budget, hiring"), "Reply");
          await send(b, "@alice please add yours");
          await seeOnce(b, "@alice please add yours");
          servers[0] = await startServerProcess({
            ...old.env,
            PORT: String(old.port),
          });
          await until(
            "the page to reconnect",
            async () => await connection(a) === "connected",
            30_000,
          );
          await seeOnce(a, "Agenda: budget, hiring");
          await seeOnce(a, "@alice please add yours");
          await seeReaction(messageByText(a, "Lunch at 1?"), "❤️", 1);
          await until(
            "the deletion",
            async () => await a.getByText("Typo here").count() === 0,
          );
          assert.ok(await sameDocument(a), "the page was not reloaded");
          await screenshot(a, "after-reconnect");
          const resumed = await shownMessages(a);
          await a.reload();
          await seeOnce(a, "@alice please add yours");
          assert.deepEqual(await shownMessages(a), resumed);
          assert.deepEqual(await shownMessages(b), resumed);
        },
      );

      await t.step(
        "the actions work in dark mode and, with a long press, on a phone",
        async () => {
          await a.emulateMedia({ colorScheme: "dark" });
          await messageByText(a, "Lunch at 1?").hover();
          await screenshot(a, "actions-dark");
          await a.emulateMedia({ colorScheme: "light" });
          const phone = await launchUser({
            viewport: { width: 390, height: 844 },
            phone: true,
            colorScheme: "dark",
          });
          browsers.push(phone);
          const p = phone.page;
          await p.goto(`${bobBase}/login`);
          await submitCredentials(p, "bob", password);
          await p.waitForURL(/\/\?group=/);
          const target = messageByText(p, "Lunch at 1?");
          await target.waitFor();
          await target.dispatchEvent("touchstart");
          await p.waitForTimeout(700);
          await target.dispatchEvent("touchend");
          await p.locator(".msg--actions-open .msg-text", {
            hasText: "Lunch at 1?",
          }).waitFor();
          await screenshot(p, "phone-actions-dark");
          await target.getByRole("button", { name: "Reply" }).click();
          await p.getByTestId("reply-bar").waitFor();
          await screenshot(p, "phone-replying-dark");
          assertNoPageThrew(browsers);
        },
      );

      await t.step(
        "a reply's quote of a message older than the loaded page loads the page around it, then returns to the newest",
        async () => {
          const groupId = new URL(b.url()).searchParams.get("group")!;
          await b.evaluate(async (id) => {
            for (let i = 1; i <= 120; i++) {
              await fetch(`/api/groups/${encodeURIComponent(id)}/messages`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ text: `Filler ${i}` }),
              });
            }
          }, groupId);
          await seeOnce(b, "Filler 120");
          await act(messageByText(b, "Lunch at 1?"), "Reply");
          await send(b, "Back to lunch: yes");
          await a.reload();
          await seeOnce(a, "Back to lunch: yes");
          assert.equal(
            await messageByText(a, "Lunch at 1?").count(),
            0,
            "the original is older than the loaded pages",
          );
          const quote = messageByText(a, "Back to lunch: yes").getByTestId(
            "reply-quote",
          );
          await quote.getByText("Lunch at 1?").waitFor();
          await quote.click();
          await a.locator(".msg--highlight .msg-text", {
            hasText: "Lunch at 1?",
          }).waitFor();
          const newest = a.getByRole("button", {
            name: "Jump to the newest messages",
          });
          await newest.waitFor();
          assert.equal(await messageByText(a, "Filler 120").count(), 0);
          await screenshot(a, "reply-jump-far");
          await newest.click();
          await seeOnce(a, "Back to lunch: yes");
          await newest.waitFor({ state: "detached" });
        },
      );

      await t.step(
        "an edit and a reaction above the reader's place change the message in place without moving what they read",
        async () => {
          const top = () =>
            a.evaluate(() => {
              const el = [...document.querySelectorAll(".msg-text")].find((
                x,
              ) => x.textContent === "Filler 85");
              return el!.getBoundingClientRect().top;
            });
          await a.evaluate(() => {
            const el = [...document.querySelectorAll(".msg-text")].find((x) =>
              x.textContent === "Filler 85"
            );
            el!.closest("li")!.scrollIntoView({ block: "start" });
          });
          await a.waitForTimeout(300);
          const before = await top();
          assert.ok(before < 120, `Filler 85 is at the top (${before})`);
          const long =
            "Filler 80, now much longer:\nline two\nline three\nline four";
          await edit(messageByText(b, "Filler 80"), long);
          await react(messageByText(b, "Filler 81"), "🔥");
          await seeReaction(messageByText(a, "Filler 81"), "🔥", 1);
          await until(
            "the edit on Alice's page",
            async () =>
              await a.locator(".msg-text", { hasText: "line four" }).count() ===
                1,
          );
          await screenshot(a, "edit-above-in-place");
          const after = await top();
          assert.ok(
            Math.abs(after - before) < 2,
            `Filler 85 stayed in place (${before} → ${after})`,
          );
        },
      );
    });
  },
});
