/**
 * What a person does to messages already sent, as steps for the end-to-end tests: find a
 * message by its text, open its actions, edit, delete, react, reply, mention, and read back what
 * the page shows of every message (for comparing a resumed page with a fresh load).
 */
import type { Locator, Page } from "playwright-core";
import { until } from "./_browser.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The delivered message whose text is exactly `text`. */
export function messageByText(page: Page, text: string): Locator {
  return page.locator('[data-testid="message"]').filter({
    has: page.locator(".msg-text", {
      hasText: new RegExp(`^${escape(text)}$`),
    }),
  });
}

/** The delivered message with this seq. */
export function messageBySeq(page: Page, seq: number): Locator {
  return page.locator(`[data-testid="message"][data-seq="${seq}"]`);
}

/** The same message found by its seq, so it stays found while its text is edited away. */
export async function pin(message: Locator): Promise<Locator> {
  const seq = await message.getAttribute("data-seq");
  return messageBySeq(message.page(), Number(seq));
}

/**
 * Hovers a message and clicks one of its actions ("Reply", "Edit", …). Answers the message
 * found by seq.
 */
export async function act(
  message: Locator,
  action: "Reply" | "Add a reaction" | "Edit" | "Delete",
): Promise<Locator> {
  const row = await pin(message);
  const button = row.getByRole("toolbar").getByRole("button", {
    name: action,
    exact: true,
  });
  // The toolbar shows while the pointer is on the message; a message arriving between the
  // hover and the click can scroll it away, so hover again until the click lands.
  await until(`the ${action} action`, async () => {
    await row.hover({ timeout: 2_000 });
    await button.click({ timeout: 2_000 });
    return true;
  });
  return row;
}

/** Edits a message in place: Edit, replace the text, Enter. */
export async function edit(message: Locator, text: string): Promise<void> {
  const row = await act(message, "Edit");
  const box = row.locator("#edit-input");
  await box.fill(text);
  await box.press("Enter");
  await box.waitFor({ state: "detached" });
}

/** Deletes a message, confirming in the dialog. */
export async function remove(page: Page, message: Locator): Promise<void> {
  await act(message, "Delete");
  const dialog = page.getByRole("dialog", { name: "Delete this message?" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
}

/** Adds a reaction from the picker. */
export async function react(message: Locator, emoji: string): Promise<void> {
  const row = await act(message, "Add a reaction");
  await row.getByRole("button", { name: `React with ${emoji}` }).click();
}

/** The reaction chip of one emoji under a message. */
export function chip(message: Locator, emoji: string): Locator {
  return message.locator(`[data-testid="reaction"][data-emoji="${emoji}"]`);
}

/** Waits until a message's chip for `emoji` shows `count` (0: no chip). */
export async function seeReaction(
  message: Locator,
  emoji: string,
  count: number,
): Promise<void> {
  const c = chip(message, emoji);
  if (!count) return await c.waitFor({ state: "detached" });
  await until(
    `${emoji} × ${count}`,
    async () =>
      (await c.locator(".reaction-count").textContent()) === String(count),
  );
}

/** What the page shows of each message, in order: seq, text, marks and reactions. */
export function shownMessages(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="message"]')]
      .map((el) => {
        const text = el.querySelector(".msg-text")?.textContent ?? "";
        const marks = [
          el.querySelector('[data-testid="edited"]') ? "edited" : "",
          el.querySelector('[data-testid="reply-quote"]') ? "reply" : "",
        ].filter(Boolean).join(",");
        const chips = [
          ...el.querySelectorAll<HTMLElement>('[data-testid="reaction"]'),
        ].map((c) =>
          `${c.dataset.emoji}${c.querySelector(".reaction-count")?.textContent}`
        ).join(" ");
        return `${el.dataset.seq} ${text} [${marks}] {${chips}}`;
      })
  );
}
