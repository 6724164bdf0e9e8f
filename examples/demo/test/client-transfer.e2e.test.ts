/**
 * What real Chromium downloads for the client script of the demo: brotli (Chromium also
 * offers zstd, which the server must not pick), within the 8,192 B budget on the wire,
 * and the decoded script runs (the page connects). Any console or page error fails it.
 */

import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

const BUDGET_BR = 8192;

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const listening = await createApp({ ...(await demoOptions()), minifyClient: true }).listen(
    0,
    "127.0.0.1",
  );
  base = `http://127.0.0.1:${listening.port}`;
  close = listening.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

describe("the client script in Chromium", () => {
  it("arrives brotli-encoded within the budget, and runs", async () => {
    const { page, problems } = await browser.page();
    const script = page.waitForResponse((r) => /\/_vango\/client\.[0-9a-f]+\.js$/.test(r.url()));
    await page.goto(base + "/");
    const response = await script;
    await waitForStatus(page, "connected");

    const headers = response.headers();
    expect((await response.request().allHeaders())["accept-encoding"]).toContain("zstd");
    expect([response.status(), headers["content-encoding"], headers.vary]).toEqual([
      200,
      "br",
      "Accept-Encoding",
    ]);
    const sizes = await response.request().sizes();
    // Resource Timing: the encoded body the network delivered, and the same plus headers.
    const timing = await page.evaluate((url) => {
      const e = performance.getEntriesByName(url)[0] as PerformanceResourceTiming;
      return { encoded: e.encodedBodySize, decoded: e.decodedBodySize, transfer: e.transferSize };
    }, response.url());
    console.log(
      `client in Chromium: ${timing.encoded} B brotli body, ${timing.transfer} B transferred ` +
        `with headers, ${timing.decoded} B decoded (budget ${BUDGET_BR} brotli)`,
    );
    expect(sizes.responseBodySize).toBe(Number(headers["content-length"]));
    expect(timing.encoded).toBe(sizes.responseBodySize);
    expect(timing.encoded).toBeLessThanOrEqual(BUDGET_BR);
    expect(timing.decoded).toBeGreaterThan(timing.encoded);
    expect(timing.transfer).toBeGreaterThan(timing.encoded);
    await page.close();
    expect(problems).toEqual([]);
  });
});
