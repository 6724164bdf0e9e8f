/**
 * Regression (issue 10, defect 1), in real Chromium: a component that sets a signal N ms
 * after setup — a timer, a slow query — must end up showing it, whether the update lands
 * before the socket attaches, during the handshake or after. (The browser once stayed on
 * "Loading…" forever for delays of 0–300 ms.)
 */
import { onCleanup, signal } from "vango";
import { createApp, silentLogger } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, type TestBrowser } from "./browser.ts";

function Late(props: { params: Record<string, string> }) {
  const ready = signal(false);
  const timer = setTimeout(() => ready.set(true), Number(props.params.ms));
  onCleanup(() => clearTimeout(timer));
  return () => <p data-testid="late">{ready() ? "ready" : "Loading…"}</p>;
}

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const app = createApp({ routes: { "/late/:ms": Late }, logger: silentLogger, devMode: true });
  const listening = await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${listening.port}`;
  close = listening.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

describe("an update made between the page GET and the socket attach", () => {
  for (const ms of [0, 5, 20, 100, 300, 800]) {
    it(`is shown when it lands ${ms} ms after setup`, async () => {
      const { page, problems } = await browser.page();
      // This app has no favicon; the browser's automatic request is not the subject here.
      await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));
      await page.goto(`${base}/late/${ms}`);
      await page.waitForFunction(
        () => document.querySelector('[data-testid="late"]')?.textContent === "ready",
        undefined,
        { timeout: 5_000 },
      );
      // Still there once the socket had time to settle (no late overwrite).
      await page.waitForTimeout(200);
      expect(await page.textContent('[data-testid="late"]')).toBe("ready");
      await page.close();
      expect(problems).toEqual([]);
    });
  }
});
