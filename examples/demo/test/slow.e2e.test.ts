/**
 * `/slow?ms=N` (issue 12): data that arrives after N ms. Below the page's wait (50 ms)
 * the server's HTML already holds the list; slower, the fallback shows and the list
 * arrives as a patch — the browser always ends up showing it.
 */
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser } from "./browser.ts";

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const l = await createApp({ ...(await demoOptions()), devMode: true }).listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

describe("/slow", () => {
  it("is in the server's HTML when the data beats the page's wait", async () => {
    const html = await (await fetch(`${base}/slow?ms=5`)).text();
    expect(html).toMatch(/data-testid="slow-ready"/);
    const slow = await (await fetch(`${base}/slow?ms=300`)).text();
    expect(slow).not.toMatch(/data-testid="slow-ready"/);
    expect(slow).toMatch(/Loading…/);
  });

  for (const ms of [0, 5, 30, 300, 1200]) {
    it(`shows the list in the browser for ms=${ms}`, async () => {
      const { page, problems } = await browser.page();
      await page.goto(`${base}/slow?ms=${ms}`);
      await page.getByTestId("slow-ready").waitFor({ timeout: 5_000 });
      expect(await page.getByTestId("slow-ready").locator("li").count()).toBe(5);
      await page.close();
      expect(problems).toEqual([]);
    });
  }
});
