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
    expect([res.status(), res.headers().location]).toEqual([303, `/todos?added=${before + 1}`]);
    await page.waitForURL(/\/todos\?added=\d+$/);
    expect(await page.getByTestId("todo-added").textContent()).toBe("Added “Buy oat milk”.");
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

describe("live navigation and forms (JavaScript on)", () => {
  it("navigates over the socket: no reload, layout state kept, back and forward", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/`);
    await waitForStatus(page, "connected");
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    await page.getByTestId("counter-inc").click();
    await page.getByTestId("theme-toggle").click();
    await expect.poll(() => page.getByTestId("theme-toggle").textContent()).toBe("Dark theme");

    await page.click('nav a[href="/todos"]');
    await page.waitForURL(`${base}/todos`);
    await page.getByTestId("todo-form").waitFor();
    expect(await page.title()).toBe("Todos");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.getByTestId("theme-toggle").textContent()).toBe("Dark theme");
    // Focus moved to the new page's main heading (inside <main>, not the layout's brand
    // <h1>); the announcer read the title.
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return `${el?.tagName} ${el?.textContent}`;
      });
    expect(await focused()).toBe("H2 Todos");
    expect(await page.textContent("#vango-announce")).toBe("Todos");

    await page.goBack();
    await page.waitForURL(`${base}/`);
    await page.getByTestId("counter-value").waitFor();
    await expect.poll(focused).toBe("H2 Home");
    await page.goForward();
    await page.waitForURL(`${base}/todos`);
    await page.getByTestId("todo-form").waitFor();
    await expect.poll(focused).toBe("H2 Todos");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    await page.click('nav a[href="/"]');
    await page.getByTestId("counter-value").waitFor();
    await page.evaluate(() => {
      const a = document.createElement("a");
      a.href = "/nowhere-to-be-found";
      a.textContent = "lost";
      a.id = "lost";
      document.getElementById("main")?.append(a);
    });
    await page.click("#lost");
    await expect.poll(() => page.textContent("h2")).toBe("Page not found");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("the todo form submits live: errors render, success redirects from the action", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/todos`);
    await waitForStatus(page, "connected");
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 7;
    });
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "document") requests.push(r.method());
    });
    await page.click('[data-testid="todo-form"] [type=submit]');
    await expect.poll(() => page.getByTestId("field-error").textContent()).not.toBe("");
    await page.fill('[data-testid="todo-form"] input[name=title]', "Water the plants");
    await page.click('[data-testid="todo-form"] [type=submit]');
    await page.waitForURL(/\/todos\?added=\d+$/);
    await expect
      .poll(() => page.getByTestId("todo-added").textContent())
      .toBe("Added “Water the plants”.");
    expect(await page.getByTestId("field-error").textContent()).toBe("");
    expect(await page.inputValue('[data-testid="todo-form"] input[name=title]')).toBe("");
    expect(requests).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("the filter lives in the URL: it survives a reload", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/todos`);
    await waitForStatus(page, "connected");
    await page.getByTestId("todo-filter").fill("readme");
    await page.waitForURL(`${base}/todos?q=readme`);
    await expect
      .poll(() => page.getByTestId("todo-item").allTextContents())
      .toEqual(["Read the README"]);
    await page.reload();
    expect(await page.inputValue('[data-testid="todo-filter"]')).toBe("readme");
    expect(await page.getByTestId("todo-item").allTextContents()).toEqual(["Read the README"]);
    await page.close();
    expect(problems).toEqual([]);
  });
});
