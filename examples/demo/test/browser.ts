/**
 * Real Chromium for end-to-end tests (Debian `chromium` through playwright-core). Every
 * browser gets a fresh, throw-away profile from Playwright. Every
 * page records console errors and page errors; `assertClean` fails the test on any.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { type AppOptions, createApp, silentLogger } from "vango/server";
import { afterAll, beforeAll } from "vitest";

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

/**
 * A browser and an app (`options`, silent, in devMode) on a free port for the test file
 * that calls this at its top level: started before its tests, closed after them.
 */
export function appInBrowser(options: () => AppOptions): {
  readonly browser: TestBrowser;
  readonly base: string;
} {
  const live = { browser: undefined as unknown as TestBrowser, base: "" };
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    live.browser = await launch();
    const app = createApp({ logger: silentLogger, devMode: true, ...options() });
    const l = await app.listen(0, "127.0.0.1");
    live.base = `http://127.0.0.1:${l.port}`;
    close = l.close;
  });
  afterAll(async () => {
    await close();
    await live.browser?.close();
  });
  return live;
}
