/**
 * Steps for the §6 end-to-end tests: the member menu, the settings dialog, starting a DM, and
 * a window.Notification stand-in with a switchable page visibility, installed before the app
 * loads so every call the app makes is recorded in the page.
 */
import type { BrowserContext, Page } from "playwright-core";

/** One Notification the page created. */
export interface RecordedNotification {
  title: string;
  body: string;
  tag: string;
}

/**
 * Replaces window.Notification with a recorder (permission "default" until requested) and makes
 * `document.visibilityState` follow `__hidden`, for every page of the context.
 */
export async function installNotificationRecorder(
  context: BrowserContext,
): Promise<void> {
  await context.addInitScript(() => {
    const w = globalThis as unknown as Record<string, unknown>;
    const shown: unknown[] = [];
    w.__notifications = shown;
    w.__permissionRequests = 0;
    w.__hidden = false;
    class RecordingNotification {
      static permission = "default";
      static requestPermission() {
        w.__permissionRequests = (w.__permissionRequests as number) + 1;
        RecordingNotification.permission = "granted";
        return Promise.resolve("granted");
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string; tag?: string }) {
        shown.push({ title, body: options.body, tag: options.tag });
        w.__lastNotification = this;
      }
      close() {}
    }
    w.Notification = RecordingNotification;
    Object.defineProperty(Document.prototype, "visibilityState", {
      configurable: true,
      get: () => (w.__hidden ? "hidden" : "visible"),
    });
    Object.defineProperty(Document.prototype, "hidden", {
      configurable: true,
      get: () => w.__hidden === true,
    });
  });
}

/** Hides or shows the tab, as switching tabs would, firing visibilitychange. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as Record<string, unknown>).__hidden = h;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** The notifications the page has shown so far. */
export function notifications(page: Page): Promise<RecordedNotification[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { __notifications: RecordedNotification[] })
      .__notifications
  );
}

/** How often the page asked for notification permission. */
export function permissionRequests(page: Page): Promise<number> {
  return page.evaluate(() =>
    (globalThis as unknown as { __permissionRequests: number })
      .__permissionRequests
  );
}

/** Clicks the newest notification, as the person would in the system tray. */
export async function clickLastNotification(page: Page): Promise<void> {
  await page.evaluate(() =>
    (globalThis as unknown as { __lastNotification: { onclick(): void } })
      .__lastNotification.onclick()
  );
}

/** Shows the member list of the open group (a button below 1100 px of width). */
export async function showMembers(page: Page): Promise<void> {
  const button = page.getByRole("button", { name: "Members" });
  if (await button.getAttribute("aria-pressed") !== "true") {
    await button.click();
  }
  await page.locator('[data-testid="member"]').first().waitFor();
}

/** A member's row in the member list. */
export function memberRow(page: Page, username: string) {
  return page.locator('[data-testid="member"]', {
    has: page.locator(".member-name", { hasText: username }),
  });
}

/** Accepts every confirmation prompt the page shows, as the person would. */
export function acceptDialogs(page: Page): void {
  page.on("dialog", (d) => void d.accept().catch(() => {}));
}

/** Picks an item of a member's actions menu (its prompt is accepted by acceptDialogs). */
export async function memberAction(
  page: Page,
  username: string,
  item: string,
): Promise<void> {
  await page.getByRole("button", { name: `Actions for ${username}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
}

/** Starts (or opens) the DM with `username` from the sidebar. */
export async function startDm(page: Page, username: string): Promise<void> {
  await page.getByRole("button", { name: "New direct message" }).click();
  await page.locator("#dm-username").fill(username);
  await page.getByRole("button", { name: "Message", exact: true }).click();
  await page.locator(".chat-title", { hasText: username }).waitFor();
}
