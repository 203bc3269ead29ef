/**
 * The browser app end to end: two people, each in their own headless Chromium, on two real
 * instances sharing a private redis-server and one KV file (one instance when redis-server is
 * missing). Everything goes through the pages as a person would use them: forms, buttons, the
 * message box. Screenshots of the main states land in tests/.artifacts/screenshots/.
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
  recordConnectionStates,
  recordItems,
  register,
  sameDocument,
  seeOnce,
  send,
  submitCredentials,
} from "./_chat_page.ts";
import { withTwoInstances } from "./_two_instances.ts";

Deno.test({
  name: "the browser app works end to end for two people in headless Chromium",
  ignore: browserIgnore,
  ...integration,
  async fn(t) {
    await withTwoInstances(async ({ redis, servers, browsers }) => {
      const alice = await launchUser();
      browsers.push(alice);
      const bob = await launchUser();
      browsers.push(bob);
      const a = alice.page;
      const b = bob.page;
      // Plain names: every run has its own fresh KV file.
      const aliceName = "alice";
      const bobName = "bob";
      const aliceBase = () => servers[0].url;
      const bobBase = servers[1].url;

      await t.step(
        "a person registers through the form, a wrong password gets a sentence, and a second person joins with the invite link",
        async () => {
          await a.goto(`${aliceBase()}/`);
          await a.waitForURL(/\/login$/);
          await a.locator("#username").waitFor();
          await screenshot(a, "login");
          await register(a, aliceBase(), aliceName);
          await createGroup(a, "General", {
            screenshot: () => screenshot(a, "create-group"),
          });
          await a.getByRole("button", { name: "Invite" }).click();
          const link = new URL(await a.locator("#invite-url").inputValue());
          assert.match(link.pathname + link.search, /^\/join\/[^?]+\?code=/);
          await a.getByRole("button", { name: "Done" }).click();

          // Bob opens the link on his own instance (one service), signed out: it asks him
          // to log in first and keeps the invite for afterwards.
          await b.goto(`${bobBase}${link.pathname}${link.search}`);
          await b.waitForURL(/\/login\?next=%2Fjoin%2F/);
          await submitCredentials(b, aliceName, "not the password");
          const error = b.locator("#auth-error");
          await until(
            "a login error",
            async () => !!(await error.textContent()),
          );
          const text = (await error.textContent()) ?? "";
          assert.match(text, /wrong username or password/i);
          assert.doesNotMatch(text, /[{}"]|unauthorized/);
          await screenshot(b, "login-error");
          await b.getByRole("link", { name: "Create an account" }).click();
          await b.waitForURL(/\/register\?next=%2Fjoin%2F/);
          await submitCredentials(b, bobName, password);
          await b.waitForURL(/\/join\/[^?]+\?code=/);
          await b.getByText(`Join this group as ${bobName}?`).waitFor();
          await screenshot(b, "invite");
          await b.getByRole("button", { name: "Join group" }).click();
          await b.locator(".chat-title", { hasText: "General" }).waitFor();

          // A second, public group, found in the public list, for the unread counts.
          await createGroup(a, "Random", { public: true });
          await b.getByRole("button", { name: "Join group" }).click();
          const join = b.getByRole("button", { name: "Join Random" });
          await join.waitFor();
          await screenshot(b, "join-group");
          await join.click();
          await b.locator(".chat-title", { hasText: "Random" }).waitFor();
          await openGroup(a, "General");
          await openGroup(b, "General");
          // Checked later: a reload would wipe the mark.
          for (const page of [a, b]) await markDocument(page);
        },
      );

      await t.step(
        "two people exchange messages and each sees the other's appear without a reload",
        async () => {
          await send(a, "Hi Bob! Did the deploy go out?");
          await seeOnce(b, "Hi Bob! Did the deploy go out?");
          await send(b, "Yes, all instances are on the new build.");
          await seeOnce(a, "Yes, all instances are on the new build.");
          await send(
            a,
            "Great, thanks. Release notes: https://example.com/notes",
          );
          await seeOnce(
            b,
            "Great, thanks. Release notes: https://example.com/notes",
          );
          await send(b, "I'll post them in Random too.");
          await seeOnce(a, "I'll post them in Random too.");
          await screenshot(a, "chat");
        },
      );

      await t.step(
        "the other person sees '… is typing' and both show as online in the member list",
        async () => {
          const typing = a.locator('[data-testid="typing"]');
          await b.locator("#composer-input").pressSequentially("Writing a", {
            delay: 20,
          });
          await typing.getByText(`${bobName} is typing…`).waitFor();
          await screenshot(a, "typing");
          await b.locator("#composer-input").fill("");
          await until(
            "the typing line to clear",
            async () => (await typing.textContent()) === "",
          );

          const online = a.locator(
            '[data-testid="member"][data-online="true"]',
          );
          await online.filter({ hasText: bobName }).waitFor();
          await online.filter({ hasText: aliceName }).waitFor();
          await b.locator('[data-testid="member"][data-online="true"]')
            .filter({ hasText: aliceName }).waitFor();
        },
      );

      await t.step(
        "the unread count of a group that is not open rises when messages arrive there",
        async () => {
          const random = a.locator('[data-testid="group"]', {
            hasText: "Random",
          });
          const badge = random.locator('[data-testid="unread"]');
          assert.equal(await badge.count(), 0);
          await openGroup(b, "Random");
          await send(b, "Notes are up in the wiki.");
          await seeOnce(b, "Notes are up in the wiki.");
          await badge.getByText("1", { exact: true }).waitFor();
          await send(b, "And the changelog.");
          await badge.getByText("2", { exact: true }).waitFor();
          await until(
            "the count in the title",
            async () => await a.title() === "(2) Salvioris",
          );
          await screenshot(a, "unread");
          await openGroup(a, "Random");
          await seeOnce(a, "And the changelog.");
          await badge.waitFor({ state: "detached" });
          await until(
            "the title to drop the count",
            async () => await a.title() === "Salvioris",
          );
          await openGroup(a, "General");
          await openGroup(b, "General");
        },
      );

      await t.step(
        "after its instance restarts on the same port the page reconnects by itself and shows what was sent meanwhile, once",
        async () => {
          const before = await a.locator('[data-testid="message"]').count();
          const states = await recordConnectionStates(a);
          const old = servers[0];
          await old.stop();
          await until(
            "the page to notice",
            async () =>
              ["reconnecting", "offline"].includes(await connection(a) ?? ""),
          );
          await screenshot(a, "reconnecting");
          const meanwhile = ["While you were away 1", "While you were away 2"];
          for (const text of meanwhile) await send(b, text);
          if (redis) { for (const text of meanwhile) await seeOnce(b, text); }
          servers[0] = await startServerProcess({
            ...old.env,
            PORT: String(old.port),
          });
          await until(
            "the page to reconnect",
            async () => await connection(a) === "connected",
            30_000,
          );
          for (const text of meanwhile) await seeOnce(a, text);
          for (const text of meanwhile) await seeOnce(b, text);
          assert.deepEqual(
            (await states()).filter((s) => s !== "offline"),
            ["connected", "reconnecting", "connected"],
          );
          // The shutdown notice does not outlive the outage.
          await a.locator(".notice").waitFor({ state: "detached" });
          for (const [page, other] of [[a, bobName], [b, aliceName]] as const) {
            await page.locator('[data-testid="member"][data-online="true"]')
              .filter({ hasText: other }).waitFor();
          }
          await until(
            "no duplicate after the replay",
            async () =>
              await a.locator('[data-testid="message"]').count() ===
                before + meanwhile.length,
          );
          await send(a, "Back online.");
          await seeOnce(b, "Back online.");
          for (const page of [a, b]) {
            assert.ok(await sameDocument(page), "the page was not reloaded");
          }
        },
      );

      await t.step(
        "HTML and javascript: links in messages render as text and only http(s) links become anchors",
        async () => {
          const payloads = [
            `<img src=x onerror="window.__xss=1">`,
            `<script>window.__xss=1</script>`,
            `javascript:window.__xss=1 [x](javascript:window.__xss=1) https://example.com/ok?a=1&b=2`,
          ];
          for (const text of payloads) await send(b, text);
          for (const page of [a, b]) {
            for (const text of payloads) await seeOnce(page, text);
            const found = await page.evaluate(() => {
              const list = document.querySelector(".messages")!;
              return {
                xss: (globalThis as { __xss?: unknown }).__xss,
                elements: list.querySelectorAll("img, script, iframe").length,
                hrefs: [...list.querySelectorAll("a")].map((el) =>
                  el.getAttribute("href")
                ),
              };
            });
            assert.equal(found.xss, undefined);
            assert.equal(found.elements, 0);
            assert.ok(found.hrefs.includes("https://example.com/ok?a=1&b=2"));
            for (const href of found.hrefs) {
              assert.match(href ?? "", /^https?:\/\//);
            }
          }
        },
      );

      await t.step(
        "a sent message shows as pending, then as sent, matched by its nonce",
        async () => {
          const items = await recordItems(a);
          const text = "Pending, then sent.";
          await send(a, text);
          await seeOnce(a, text);
          const item = a.locator('[data-testid="message"]').last();
          const nonce = await item.getAttribute("data-nonce");
          assert.ok(nonce, "the delivered message carries its nonce");
          assert.equal(await item.locator(".msg-text").textContent(), text);
          await a.locator(`[data-testid="message-pending"]`).waitFor({
            state: "detached",
          });
          const seen = await items();
          assert.deepEqual(seen.filter((s) => s.endsWith(`:${nonce}`)), [
            `pending:${nonce}`,
            `sent:${nonce}`,
          ]);
          await seeOnce(b, text);
          assert.equal(
            await b.locator(`[data-testid="message"][data-nonce="${nonce}"]`)
              .count(),
            1,
          );
        },
      );

      await t.step(
        "the app fits a phone screen and follows the dark colour scheme",
        async () => {
          const phone = await launchUser({
            viewport: { width: 390, height: 844 },
            phone: true,
          });
          browsers.push(phone);
          const p = phone.page;
          await p.goto(`${aliceBase()}/login`);
          await submitCredentials(p, aliceName, password);
          await p.waitForURL(/\/\?group=/);
          await seeOnce(p, "Pending, then sent.");
          // The header's icon buttons keep their names when their labels are hidden.
          for (const name of ["Invite", "Members"]) {
            await p.getByRole("button", { name }).waitFor();
          }
          // Everything was read in the desktop tab, and the server remembers it.
          assert.equal(await p.locator('[data-testid="unread"]').count(), 0);
          await screenshot(p, "phone-chat");
          await p.getByRole("button", { name: "Show groups" }).click();
          await p.locator(".app--nav-open").waitFor();
          await screenshot(p, "phone-groups");
          await p.emulateMedia({ colorScheme: "dark" });
          await screenshot(p, "phone-groups-dark");
          await a.emulateMedia({ colorScheme: "dark" });
          await screenshot(a, "chat-dark");
          const background = await a.evaluate(() =>
            getComputedStyle(document.body).backgroundColor
          );
          const [r, g, bl] = background.match(/\d+/g)!.map(Number);
          assert.ok(r + g + bl < 3 * 80, `dark background, got ${background}`);
          await a.emulateMedia({ colorScheme: "light" });
          await p.getByRole("button", { name: "Log out" }).click();
          await p.waitForURL(/\/login$/);
          await p.locator("#username").waitFor();
          await screenshot(p, "phone-login-dark");
          assertNoPageThrew(browsers);
        },
      );

      await t.step(
        "when the second person closes their browser the first sees them go offline",
        async () => {
          await bob.close();
          await a.locator('[data-testid="member"][data-online="false"]')
            .filter({ hasText: bobName }).waitFor();
          await a.getByText("Members — 1 online").waitFor();
        },
      );
    });
  },
});
