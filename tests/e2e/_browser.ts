/**
 * Headless Chromium for end-to-end tests: Debian's `/usr/bin/chromium` driven by playwright-core
 * (which never downloads a browser of its own), one persistent context with a fresh profile per
 * simulated user, screenshots under tests/.artifacts/screenshots/, and a polling `until` for
 * conditions Playwright's locators cannot wait for by themselves.
 */
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import assert from "node:assert/strict";

/** The browser the tests drive: Debian's package, never Playwright's download. */
export const chromiumPath = "/usr/bin/chromium";

const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

async function chromiumAvailable(): Promise<boolean> {
  try {
    return (await Deno.stat(chromiumPath)).isFile;
  } catch {
    return false;
  }
}

const required = Deno.env.get("REQUIRE_BROWSER") === "1";
/** True when browser tests are to be ignored (no Chromium and not required). */
export const browserIgnore = !required && !(await chromiumAvailable());
if (browserIgnore) {
  console.warn(
    `browser tests ignored: ${chromiumPath} is missing (apt-get install chromium; REQUIRE_BROWSER=1 fails instead)`,
  );
}

/** Builds the islands bundle once, as `deno task start` does (startServerProcess does not). */
export async function buildIslands(): Promise<void> {
  const script = new URL("../../scripts/build_islands.ts", import.meta.url);
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(
      `Cannot build the islands:\n${new TextDecoder().decode(stderr)}`,
    );
  }
}

/** How a user's browser looks. */
export interface UserOptions {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  /** A touch phone: mobile viewport meta honoured, touch events on. */
  phone?: boolean;
}

/** One simulated user: a browser with its own fresh profile, and its first tab. */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged, to print when a test fails. */
  problems: string[];
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

/** Fails when any of the users' pages threw an uncaught error. */
export function assertNoPageThrew(users: BrowserUser[]): void {
  const thrown = users.flatMap((u) =>
    u.problems.filter((p) => p.startsWith("pageerror"))
  );
  assert.deepEqual(thrown, [], "no page threw");
}

/** Starts a browser for one user with a fresh temporary profile. */
export async function launchUser(
  options: UserOptions = {},
): Promise<BrowserUser> {
  const profile = await Deno.makeTempDir({ prefix: "salvioris-e2e-profile-" });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? "light",
      isMobile: options.phone ?? false,
      hasTouch: options.phone ?? false,
      deviceScaleFactor: 1,
      locale: "en-GB",
      timezoneId: "UTC",
    });
  } catch (err) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw err;
  }
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

const shotsDir = new URL("../.artifacts/screenshots/", import.meta.url);

/** Saves a screenshot of the page as tests/.artifacts/screenshots/<name>.png; answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(shotsDir, { recursive: true });
  const path = new URL(`${name}.png`, shotsDir).pathname;
  // Caret and animations off, so the picture shows a settled state.
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  return path;
}

/**
 * Polls `check` until it answers true, failing with `what` after `timeoutMs`. For conditions
 * outside one locator (counts, several elements, state outside the page).
 */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      last = null;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${
      last ? `: ${last}` : ""
    }`,
  );
}
