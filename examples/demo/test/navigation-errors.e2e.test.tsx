/**
 * A page that throws during a live navigation, in real Chromium: the nearest `_error`
 * page shows in the layout (as the page request would answer), the URL moves, focus
 * goes to its heading, and the progress bar that showed while the navigation was slow
 * is cleared. A slow event middleware makes the bar appear first.
 */
import type { VChild } from "vango";
import type { EventMiddleware } from "vango/server";
import { describe, expect, it } from "vitest";
import { appInBrowser, waitForStatus } from "./browser.ts";

function Shell(props: { children?: VChild }) {
  return () => (
    <div>
      <header>
        <h1>Brand</h1>
        <nav>
          <a href="/broken">Broken</a>
        </nav>
      </header>
      <main>{props.children}</main>
    </div>
  );
}

/** Navigations take 400 ms: long enough for the progress bar (150 ms) to show. */
const slowNavigation: EventMiddleware = async (ctx, next) => {
  if (ctx.eventName === "navigate") await new Promise((r) => setTimeout(r, 400));
  await next();
};

const live = appInBrowser(() => ({
  routes: {
    "/_layout": Shell,
    "/": () => <h2>Home</h2>,
    "/broken": (): VChild => {
      throw new Error("secret detail");
    },
    "/_error": (p: { params: { code: string } }) => <h2>Something broke ({p.params.code})</h2>,
  },
  eventMiddleware: [slowNavigation],
}));

describe("a page that throws during a live navigation", () => {
  it("shows the _error page in the layout and clears the progress bar", async () => {
    const { page, problems } = await live.browser.page();
    await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));
    await page.goto(`${live.base}/`);
    await waitForStatus(page, "connected");
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 5;
    });
    await page.click('nav a[href="/broken"]');
    await page.waitForFunction(() =>
      document.documentElement.classList.contains("vango-navigating"),
    );
    await expect.poll(() => page.textContent("main h2")).toBe("Something broke (render_error)");
    expect(
      await page.evaluate(() => document.documentElement.classList.contains("vango-navigating")),
    ).toBe(false);
    expect(page.url()).toBe(`${live.base}/broken`);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Something broke (render_error)",
    );
    expect(await page.content()).not.toContain("secret detail");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(5);
    await page.close();
    expect(problems).toEqual([]);
  });
});
