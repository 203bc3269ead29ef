/**
 * What a person does on the chat pages, as steps for the end-to-end tests: fill the forms, send,
 * open a group, read what the page shows. Selectors are the app's ids and `data-testid`s.
 */
import type { Page } from "playwright-core";
import { until } from "./_browser.ts";

/** The password every test person uses. */
export const password = "correct horse battery";

/** Delivered messages whose text is exactly `text`. */
export function countMessages(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (t) =>
      [...document.querySelectorAll('[data-testid="message"] .msg-text')]
        .filter((el) => el.textContent === t).length,
    text,
  );
}

/** Waits until exactly one delivered message reads `text`. */
export async function seeOnce(page: Page, text: string): Promise<void> {
  await until(
    `one message reading ${JSON.stringify(text)}`,
    async () => await countMessages(page, text) === 1,
  );
}

/** Types `text` in the message box and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.locator("#composer-input");
  await box.fill(text);
  await box.press("Enter");
  await until(
    "the message box to empty",
    async () => !(await box.inputValue()),
  );
}

/** Fills the login or register form and submits it. */
export async function submitCredentials(
  page: Page,
  username: string,
  secret: string,
): Promise<void> {
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(secret);
  await page.locator('form.auth-form button[type="submit"]').click();
}

/** Registers through the form, from the login page the app redirected to. */
export async function register(
  page: Page,
  base: string,
  username: string,
): Promise<void> {
  await page.waitForURL(/\/login$/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.waitForURL(/\/register$/);
  await submitCredentials(page, username, password);
  await page.waitForURL(`${base}/`);
  await page.getByRole("heading", { name: "Welcome to Salvioris" }).waitFor();
}

/** Creates a group with the sidebar's dialog and waits for it to open. */
export async function createGroup(
  page: Page,
  name: string,
  options: { public?: boolean; screenshot?: () => Promise<unknown> } = {},
): Promise<void> {
  await page.getByRole("button", { name: "New group" }).click();
  await page.locator("#new-group-name").fill(name);
  if (options.public) {
    await page.getByText("Public: anyone can find it and join").click();
  }
  await options.screenshot?.();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.locator(".chat-title", { hasText: name }).waitFor();
}

/** Opens a group from the sidebar and waits for its header. */
export async function openGroup(page: Page, name: string): Promise<void> {
  await page.locator('[data-testid="group"]', { hasText: name }).click();
  await page.locator(".chat-title", { hasText: name }).waitFor();
}

/** The connection indicator's state ("connected", "reconnecting", …). */
export function connection(page: Page): Promise<string | null> {
  return page.locator('[data-testid="connection"]').getAttribute(
    "data-status",
  );
}

/** Marks the document; `sameDocument` is false once the page has been reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as { __marked?: boolean }).__marked = true;
  });
}

/** Whether the document marked by `markDocument` is still the one shown. */
export async function sameDocument(page: Page): Promise<boolean> {
  return await page.evaluate(() =>
    (globalThis as { __marked?: boolean }).__marked === true
  );
}

/**
 * Starts recording, in the page, every state the connection indicator goes through; the
 * answered function reads the record.
 */
export async function recordConnectionStates(
  page: Page,
): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const badge = document.querySelector('[data-testid="connection"]')!;
    const states = [badge.getAttribute("data-status")];
    (globalThis as { __states?: unknown }).__states = states;
    new MutationObserver(() => {
      const now = badge.getAttribute("data-status");
      if (states[states.length - 1] !== now) states.push(now);
    }).observe(badge, { attributes: true });
  });
  return async () =>
    await page.evaluate(() =>
      (globalThis as { __states?: string[] }).__states ?? []
    );
}

/**
 * Starts recording, in the page, every message item that enters the open group's list as
 * `<status>:<nonce>` ("pending", "failed" or "sent"), in order, however briefly it is shown.
 */
export async function recordItems(
  page: Page,
): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (globalThis as { __items?: string[] }).__items = seen;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (!(node instanceof HTMLElement)) continue;
          const { testid, nonce, status } = node.dataset;
          if (nonce && testid === "message-pending") {
            seen.push(`${status}:${nonce}`);
          } else if (nonce && testid === "message") {
            seen.push(`sent:${nonce}`);
          }
        }
      }
    }).observe(document.querySelector(".messages")!, { childList: true });
  });
  return async () =>
    await page.evaluate(() =>
      (globalThis as { __items?: string[] }).__items ?? []
    );
}
