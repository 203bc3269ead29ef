/**
 * Groups people can run (PROTOCOL.md §6) in the browser app, end to end in headless Chromium:
 * three people on two real instances sharing a private redis-server and one KV file (one
 * instance when redis-server is missing). Roles and settings change live in the other apps, an
 * admin removes a member who is watching the group on the other instance and the group leaves
 * that member's app without a reload, a banned one cannot come back through the invite link, a
 * direct message raises a browser notification in a hidden tab (window.Notification is replaced
 * by a recorder in the page), and a muted DM does not.
 */
import assert from "node:assert/strict";
import { integration } from "../helpers/fixture.ts";
import { browserIgnore, launchUser, screenshot, until } from "./_browser.ts";
import {
  createGroup,
  markDocument,
  openGroup,
  register,
  sameDocument,
  seeOnce,
  send,
} from "./_chat_page.ts";
import { withTwoInstances } from "./_two_instances.ts";
import {
  acceptDialogs,
  clickLastNotification,
  installNotificationRecorder,
  memberAction,
  memberRow,
  notifications,
  permissionRequests,
  setHidden,
  showMembers,
  startDm,
} from "./_groups_page.ts";

Deno.test({
  name: "groups people can run work end to end in headless Chromium",
  ignore: browserIgnore,
  ...integration,
  async fn(t) {
    await withTwoInstances(async ({ servers, browsers }) => {
      const [n1, n2] = servers.map((s) => s.url);
      for (let i = 0; i < 3; i++) browsers.push(await launchUser());
      const bob = browsers[1];
      const [a, b, c] = browsers.map((u) => u.page);
      await installNotificationRecorder(bob.context);
      for (const page of [a, b, c]) acceptDialogs(page);
      /** The invite link after rotation. */
      let invite = "";

      await t.step(
        "the owner's group gets two members through its invite link",
        async () => {
          await a.goto(`${n1}/`);
          await register(a, n1, "alice");
          await createGroup(a, "Club");
          await a.getByRole("button", { name: "Invite" }).click();
          const link = new URL(await a.locator("#invite-url").inputValue());
          await a.getByRole("button", { name: "Done" }).click();
          const joiners = [[b, n2, "bob"], [c, n1, "carol"]] as const;
          for (const [page, base, name] of joiners) {
            await page.goto(`${base}/`);
            await register(page, base, name);
            await page.goto(`${base}${link.pathname}${link.search}`);
            await page.getByRole("button", { name: "Join group" }).click();
            await page.locator(".chat-title", { hasText: "Club" }).waitFor();
          }
          for (const page of [a, b, c]) await markDocument(page);
        },
      );

      await t.step(
        "the owner makes a member admin and the member's own app shows it and offers settings",
        async () => {
          await showMembers(a);
          await showMembers(b);
          await memberRow(a, "bob").waitFor();
          await memberAction(a, "bob", "Make admin");
          await memberRow(a, "bob").locator('[data-testid="role"]', {
            hasText: "Admin",
          }).waitFor();
          await memberRow(b, "bob").locator('[data-testid="role"]', {
            hasText: "Admin",
          }).waitFor();
          await b.getByRole("button", { name: "Settings" }).waitFor();
          assert.equal(
            await c.getByRole("button", { name: "Settings" }).count(),
            0,
          );
          await screenshot(a, "groups-roles");
        },
      );

      await t.step(
        "an admin renames the group and describes it; every app shows the new name at once",
        async () => {
          await b.getByRole("button", { name: "Settings" }).click();
          await b.locator("#settings-name").fill("Book club");
          await b.locator("#settings-description").fill("One book a month");
          await screenshot(b, "groups-settings");
          await b.getByRole("button", { name: "Save" }).click();
          await b.getByText("Saved.").waitFor();
          await b.getByRole("button", { name: "Close" }).click();
          for (const page of [a, b, c]) {
            await page.locator(".chat-title", { hasText: "Book club" })
              .waitFor();
          }
        },
      );

      await t.step(
        "rotating the invite link shows a new one and the old one stops working",
        async () => {
          await a.getByRole("button", { name: "Settings" }).click();
          const before = await a.locator("#settings-invite").inputValue();
          await a.getByRole("button", { name: "New link" }).click();
          await until(
            "a new invite link",
            async () =>
              (await a.locator("#settings-invite").inputValue()) !== before,
          );
          invite = await a.locator("#settings-invite").inputValue();
          await a.getByRole("button", { name: "Close" }).click();
          const old = new URL(before);
          const code = old.searchParams.get("code");
          const groupId = decodeURIComponent(old.pathname.split("/").pop()!);
          // A stranger tries the old code over HTTP: refused.
          const reg = await fetch(`${n2}/api/auth/register`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              username: "dave",
              password: "long enough pw",
            }),
          });
          const { token } = await reg.json();
          const join = await fetch(
            `${n2}/api/groups/${encodeURIComponent(groupId)}/join`,
            {
              method: "POST",
              headers: {
                "content-type": "application/json",
                authorization: `Bearer ${token}`,
              },
              body: JSON.stringify({ invite_code: code }),
            },
          );
          await join.body?.cancel();
          assert.equal(join.status, 403);
        },
      );

      await t.step(
        "an admin removes a member watching the group on the other instance; it leaves their app without a reload",
        async () => {
          await c.locator('[data-testid="group"]', { hasText: "Book club" })
            .waitFor();
          await memberAction(b, "carol", "Remove from group");
          await c.locator('[data-testid="group"]', { hasText: "Book club" })
            .waitFor({ state: "detached" });
          await c.getByRole("heading", { name: "Welcome to Salvioris" })
            .waitFor();
          assert.equal(await sameDocument(c), true);
          await memberRow(a, "carol").waitFor({ state: "detached" });
          await memberRow(b, "carol").waitFor({ state: "detached" });
          await screenshot(c, "groups-removed");
        },
      );

      await t.step(
        "a banned member's app drops the group, the invite link no longer lets them in, and an unban does",
        async () => {
          await c.goto(invite);
          await c.getByRole("button", { name: "Join group" }).click();
          await c.locator(".chat-title", { hasText: "Book club" }).waitFor();
          await memberRow(b, "carol").waitFor();
          await markDocument(c);
          await memberAction(b, "carol", "Ban");
          await c.locator('[data-testid="group"]', { hasText: "Book club" })
            .waitFor({ state: "detached" });
          assert.equal(await sameDocument(c), true);
          await c.goto(invite);
          await c.getByRole("button", { name: "Join group" }).click();
          await c.getByRole("alert").getByText(/not valid any more/).waitFor();

          await b.getByRole("button", { name: "Settings" }).click();
          await b.locator("#settings-unban").fill("carol");
          await b.getByRole("button", { name: "Unban" }).click();
          await b.getByText("carol may join again.").waitFor();
          await b.getByRole("button", { name: "Close" }).click();
          await c.goto(invite);
          await c.getByRole("button", { name: "Join group" }).click();
          await c.locator(".chat-title", { hasText: "Book club" }).waitFor();
        },
      );

      await t.step(
        "a direct message raises a notification in a hidden tab; clicking it opens the message",
        async () => {
          assert.equal(await permissionRequests(b), 0);
          await b.getByRole("button", { name: "Turn on notifications" })
            .click();
          await b.getByText("Notifications on").waitFor();
          assert.equal(await permissionRequests(b), 1);
          await setHidden(b, true);

          await startDm(a, "bob");
          await send(a, "psst, are you there?");
          await until(
            "a notification in Bob's hidden tab",
            async () => (await notifications(b)).length > 0,
          );
          const [shown] = await notifications(b);
          assert.equal(shown.title, "alice");
          assert.equal(shown.body, "psst, are you there?");
          const dm = b.locator(".sidebar-dms [data-testid='group']", {
            hasText: "alice",
          });
          await dm.waitFor();

          await setHidden(b, false);
          await clickLastNotification(b);
          await b.locator(".chat-title", { hasText: "alice" }).waitFor();
          await seeOnce(b, "psst, are you there?");
          await b.locator('[data-testid="message"].msg--highlight', {
            hasText: "psst, are you there?",
          }).waitFor();
          assert.equal(await sameDocument(b), true);
          await screenshot(b, "groups-dm");
        },
      );

      await t.step(
        "a muted DM stays silent in a hidden tab until it is unmuted",
        async () => {
          await b.getByRole("button", { name: "Mute" }).click();
          await b.getByRole("button", { name: "Unmute" }).waitFor();
          await setHidden(b, true);
          await send(a, "no need to answer");
          await seeOnce(b, "no need to answer");
          assert.equal((await notifications(b)).length, 1);
          await b.getByRole("button", { name: "Unmute" }).click();
          await b.getByRole("button", { name: "Mute" }).waitFor();
          await send(a, "ok, now answer");
          await until(
            "a second notification",
            async () => (await notifications(b)).length === 2,
          );
          assert.equal((await notifications(b))[1].body, "ok, now answer");
        },
      );

      await t.step(
        "a message in a group that mentions the reader notifies their hidden tab; others in it do not",
        async () => {
          await setHidden(b, true);
          await openGroup(a, "Book club");
          await send(a, "no mention here");
          await seeOnce(a, "no mention here");
          await send(a, "@bob can you bring the agenda?");
          await until(
            "a notification of the mention",
            async () => (await notifications(b)).length === 3,
          );
          const mention = (await notifications(b))[2];
          assert.equal(mention.title, "alice in Book club");
          assert.equal(mention.body, "@bob can you bring the agenda?");
          // The tab says so too: mentions lead the title and badge the icon.
          await until(
            "mentions in the tab title",
            async () => /^\(@\d+\) \(\d+\) Salvioris$/.test(await b.title()),
          );
          const icon = await b.locator('link[rel="icon"]').getAttribute("href");
          assert.match(icon ?? "", /^data:image\/svg\+xml,/);
        },
      );

      await t.step(
        "a DM starts from a member's name in the member list too, and it is the same DM",
        async () => {
          await setHidden(b, false);
          await openGroup(b, "Book club");
          await memberRow(b, "alice").waitFor();
          await memberAction(b, "alice", "Send a message");
          await b.locator(".chat-title", { hasText: "alice" }).waitFor();
          await seeOnce(b, "psst, are you there?");
          assert.equal(
            await b.locator(".sidebar-dms [data-testid='group']").count(),
            1,
          );
        },
      );
    });
  },
});
