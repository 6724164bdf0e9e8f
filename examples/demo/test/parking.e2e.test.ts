/**
 * Parking in real Chromium (issue 17): a demo page left idle past `parkAfterMs` has its
 * view disposed on the server and kept as its checkpoint; the next click builds it again
 * with its state and hids and is answered as usual — nothing else is sent, the page keeps
 * its state and focus, and the browser logs nothing. Pages fed from outside (the home
 * page's clock and shared counter) stay mounted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

/** Short, so the test does not wait 30 s; one sweep runs every 250 ms at least. */
const PARK_MS = 400;

let browser: TestBrowser;
let app: App;
let base = "";
let dir = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), "vango-parking-"));
  const options = await demoOptions({
    app: { timeouts: { parkAfterMs: PARK_MS }, persistence: { dir } },
  });
  app = createApp({ ...options, devMode: true });
  const l = await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const parked = () => app.sessions.counts().parked;

describe("parking idle pages", () => {
  it("an idle /widgets page is parked, then a click is answered with its state", async () => {
    const { page, problems } = await browser.page();
    // Closed whatever happens: a page left open would stay parked into the next test.
    try {
      const frames: number[] = [];
      page.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(f.payload.length)));
      await page.goto(`${base}/widgets`);
      await waitForStatus(page, "connected");
      const star = page.getByTestId("star-toggle");
      await star.click();
      await page.waitForTimeout(700);
      expect(await star.getAttribute("class")).toBe("on");
      await until(() => parked() === 1);
      const before = frames.length;
      // Built again from its checkpoint: starred, with the browser's hids.
      await star.click();
      await until(() => parked() === 0);
      // The server's answer (its handler waits 300 ms) agrees with the prediction.
      await page.waitForTimeout(700);
      expect(await star.textContent()).toBe("Star");
      expect(await star.getAttribute("aria-pressed")).toBe("false");
      // The click's answer only: no whole-page resync (a few hundred bytes at most).
      const after = frames.slice(before);
      expect(after.length).toBeGreaterThan(0);
      expect(Math.max(...after)).toBeLessThan(400);
      // Only the wake lines, so a failure says which outcome and how many. Every wake
      // found its view the same (no resync, no failure); with other test files running at
      // once, the page was seen to park and wake once more within the 700 ms above.
      const wakes = (await app.metrics!.metrics())
        .split("\n")
        .filter((l) => l.startsWith("vango_session_wakes_total"));
      expect(wakes).toHaveLength(1);
      expect(wakes[0]).toMatch(/^vango_session_wakes_total\{outcome="same"\} [12]$/);
      // And it parks again once idle, and wakes again.
      await until(() => parked() === 1);
      await star.click();
      await until(() => parked() === 0);
      await page.waitForTimeout(700);
      expect(await star.getAttribute("class")).toBe("on");
    } finally {
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it("the home page, fed by a clock and a shared counter, stays mounted", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/`);
    await waitForStatus(page, "connected");
    await page.waitForTimeout(PARK_MS + 600);
    expect(parked()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
