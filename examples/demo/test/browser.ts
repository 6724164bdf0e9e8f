/**
 * Real Chromium for end-to-end tests (Debian `chromium` through playwright-core). Every
 * browser gets a fresh, throw-away profile from Playwright. Every
 * page records console errors and page errors; `assertClean` fails the test on any.
 */
import { type Browser, chromium, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface TestBrowser {
  readonly browser: Browser;
  page(): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function launch(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    async page() {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      return { page, problems };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Waits until the client reports the given connection state on `<html>`. */
export async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.waitForFunction(
    (s) => document.documentElement.classList.contains(`vango-${s}`),
    status,
    { timeout: 10_000 },
  );
}
