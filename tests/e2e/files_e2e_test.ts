/**
 * Files in the browser app end to end (§5): Alice pastes a screenshot and drops a PDF onto the
 * timeline, each with its own progress bar, and sends them; Bob, in his own headless Chromium on
 * the other instance (shared Redis, KV file and attachments folder), sees the image as a preview
 * sized before it loads, opens it full size and closes it with Esc, and downloads the PDF byte
 * for byte.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { integration } from "../helpers/fixture.ts";
import { png } from "../helpers/images.ts";
import { browserIgnore, launchUser, screenshot, until } from "./_browser.ts";
import { createGroup, register } from "./_chat_page.ts";
import { withTwoInstances } from "./_two_instances.ts";

/** Puts files on the page as a clipboard paste into the message box. */
async function pasteFiles(
  page: Page,
  files: { name: string; type: string; bytes: Uint8Array }[],
): Promise<void> {
  await page.locator("#composer-input").evaluate(
    (box, list) => {
      const data = new DataTransfer();
      for (const f of list) {
        data.items.add(
          new File([new Uint8Array(f.bytes)], f.name, { type: f.type }),
        );
      }
      box.dispatchEvent(
        new ClipboardEvent("paste", {
          clipboardData: data,
          bubbles: true,
          cancelable: true,
        }),
      );
    },
    files.map((f) => ({ ...f, bytes: [...f.bytes] })),
  );
}

/** Drags files over the timeline and drops them, as a file manager would. */
async function dropFiles(
  page: Page,
  files: { name: string; type: string; bytes: Uint8Array }[],
): Promise<void> {
  await page.locator(".timeline").evaluate(
    (target, list) => {
      const data = new DataTransfer();
      for (const f of list) {
        data.items.add(
          new File([new Uint8Array(f.bytes)], f.name, { type: f.type }),
        );
      }
      for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(
          new DragEvent(type, {
            dataTransfer: data,
            bubbles: true,
            cancelable: true,
          }),
        );
      }
    },
    files.map((f) => ({ ...f, bytes: [...f.bytes] })),
  );
}

Deno.test({
  name:
    "files end to end: a pasted image and a dropped PDF reach the other person on another instance",
  ignore: browserIgnore,
  ...integration,
  async fn() {
    await withTwoInstances(async ({ servers, browsers }) => {
      const alice = await launchUser();
      const bob = await launchUser();
      browsers.push(alice, bob);
      const a = alice.page;
      const b = bob.page;
      const [aliceBase, bobBase] = [servers[0].url, servers[1].url];

      await a.goto(`${aliceBase}/`);
      await register(a, aliceBase, "alice");
      await createGroup(a, "Design", { public: true });
      const groupId = new URL(a.url()).searchParams.get("group")!;
      await b.goto(`${bobBase}/`);
      await register(b, bobBase, "bob");
      const joined = await b.evaluate(
        async (id) =>
          (await fetch(`/api/groups/${id}/join`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          })).status,
        groupId,
      );
      assert.equal(joined, 200);
      await b.goto(`${bobBase}/?group=${groupId}`);
      await b.locator(".chat-title", { hasText: "Design" }).waitFor();

      // A file over the limit fails visibly; retry fails the same way; remove drops it.
      await dropFiles(a, [{
        name: "huge.bin",
        type: "application/octet-stream",
        bytes: new Uint8Array(3 * 1024 * 1024),
      }]);
      const failed = a.locator('[data-testid="upload"][data-status="failed"]');
      await failed.waitFor();
      assert.match((await failed.textContent()) ?? "", /Too large to upload/);
      await screenshot(a, "upload-failed");
      await failed.getByRole("button", { name: "Retry" }).click();
      await a.locator('[data-testid="upload"][data-status="failed"]').waitFor();
      await a.getByRole("button", { name: "Remove huge.bin" }).click();
      await a.locator('[data-testid="upload"]').waitFor({ state: "detached" });

      const image = await png(240, 160, [220, 80, 60]);
      const pdf = new TextEncoder().encode(
        "%PDF-1.4\n% a small test document\n" + "x".repeat(200_000) +
          "\n%%EOF\n",
      );
      await pasteFiles(a, [{
        name: "image.png",
        type: "image/png",
        bytes: image,
      }]);
      await dropFiles(a, [{
        name: "specs.pdf",
        type: "application/pdf",
        bytes: pdf,
      }]);
      const uploads = a.locator('[data-testid="upload"]');
      await until("two uploads", async () => await uploads.count() === 2);
      await until(
        "both uploads to finish",
        async () =>
          (await uploads.evaluateAll((els) =>
            els.map((el) => el.getAttribute("data-status"))
          )).every((s) => s === "done"),
      );
      await screenshot(a, "files-attached");
      const box = a.locator("#composer-input");
      await box.fill("Mockup and the spec");
      await box.press("Enter");
      await until("the tray to empty", async () => await uploads.count() === 0);

      // Bob, on the other instance.
      const preview = b.locator('[data-testid="attachment-image"] img');
      await preview.waitFor();
      assert.deepStrictEqual(
        [
          await preview.getAttribute("width"),
          await preview.getAttribute("height"),
        ],
        ["240", "160"],
        "the preview is sized before it loads",
      );
      await until(
        "the preview to load",
        () =>
          preview.evaluate((img: HTMLImageElement) => img.naturalWidth === 240),
      );
      const card = b.locator('[data-testid="attachment-file"]');
      await card.waitFor();
      assert.match((await card.textContent()) ?? "", /specs\.pdf/);
      await screenshot(b, "files-received");

      await preview.click();
      const viewer = b.locator('[data-testid="image-viewer"]');
      await viewer.waitFor();
      await screenshot(b, "image-viewer");
      await b.keyboard.press("Escape");
      await viewer.waitFor({ state: "detached" });

      const [download] = await Promise.all([
        b.waitForEvent("download"),
        card.getByRole("link", { name: "Download" }).click(),
      ]);
      assert.equal(download.suggestedFilename(), "specs.pdf");
      const saved = await Deno.readFile((await download.path())!);
      assert.deepStrictEqual(saved, pdf);
      // The browser logs each refused upload itself; nothing else may go wrong.
      const unexpected = [...alice.problems, ...bob.problems].filter((p) =>
        !/status of 413/.test(p)
      );
      assert.deepStrictEqual(unexpected, []);
    }, { MAX_UPLOAD_BYTES: String(1024 * 1024) });
  },
});
