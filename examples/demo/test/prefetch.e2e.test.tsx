/**
 * `<Link prefetch>` in real Chromium: the `Prefetch` hook chunk loads on demand; resting
 * the pointer on a link, or focusing it from the keyboard, warms its route on the server
 * once (the page's `prefetch` export runs, the page on show does not change); the live
 * navigation that follows works and uses the warmed data instead of fetching it again.
 */
import { Async, createResourceCache, Link, resource } from "vango";
import type { PagePrefetch } from "vango/server";
import { describe, expect, it } from "vitest";
import { appInBrowser, waitForStatus } from "./browser.ts";

const reports = createResourceCache();
/** Warm-ups and fetches per report id. */
const warms = new Map<number, number>();
const fetches = new Map<number, number>();
const bump = (m: Map<number, number>, id: number) => m.set(id, (m.get(id) ?? 0) + 1);

function loadReport({ key, signal }: { key: readonly [string, number]; signal: AbortSignal }) {
  bump(fetches, key[1]);
  return new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => resolve(`Report ${key[1]} data`), 300);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}

const prefetch: PagePrefetch = ({ params, signal }) => {
  bump(warms, params.id as number);
  return reports.prefetch(["report", params.id as number], loadReport, { signal });
};

function Home() {
  return (
    <main>
      <h1>Reports</h1>
      <Link href="/reports/1" prefetch data-testid="report-1">
        Report 1
      </Link>{" "}
      <Link href="/reports/2" prefetch data-testid="report-2">
        Report 2
      </Link>
    </main>
  );
}

function Report(props: { params: { id: number } }) {
  const data = resource(loadReport, {
    key: () => ["report", props.params.id] as const,
    staleTime: 60_000,
    cache: reports,
  });
  return () => (
    <main>
      <h1>Report {props.params.id}</h1>
      <Async fallback={<p>Loading…</p>}>
        {() => <p data-testid="report-ready">{data.value()}</p>}
      </Async>
    </main>
  );
}

const live = appInBrowser(() => ({
  routes: {
    "/": Home,
    "/reports/:id": { default: Report, params: { id: Number }, prefetch },
  },
}));

describe("<Link prefetch>", () => {
  it("hover or focus warms the route once; the navigation then uses it", async () => {
    const { page, problems } = await live.browser.page();
    await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));
    const chunks: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/_vango/chunk/")) chunks.push(r.url());
    });
    await page.goto(`${live.base}/`);
    await waitForStatus(page, "connected");
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 1;
    });
    // Rest the pointer on the link until the hook (loaded on demand) has warmed it.
    await expect
      .poll(async () => {
        await page.mouse.move(0, 0);
        await page.hover('[data-testid="report-1"]');
        await page.waitForTimeout(150);
        return warms.get(1) ?? 0;
      })
      .toBe(1);
    // The hook runtime and the Prefetch chunk: two chunks, nothing else.
    expect(chunks).toHaveLength(2);
    // More hovering, a press and focus: still one warm-up, one fetch.
    for (let i = 0; i < 3; i++) {
      await page.mouse.move(0, 0);
      await page.hover('[data-testid="report-1"]');
      await page.waitForTimeout(100);
    }
    await page.focus('[data-testid="report-1"]');
    expect([warms.get(1), fetches.get(1)]).toEqual([1, 1]);
    // Keyboard focus warms the other link at once.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Report 2");
    await expect.poll(() => warms.get(2) ?? 0).toBe(1);
    // The page on show did not change.
    expect(await page.textContent("h1")).toBe("Reports");
    expect(page.url()).toBe(`${live.base}/`);

    await page.click('[data-testid="report-1"]');
    await page.waitForURL(`${live.base}/reports/1`);
    await expect.poll(() => page.textContent('[data-testid="report-ready"]')).toBe("Report 1 data");
    expect(fetches.get(1)).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.close();
    expect(problems).toEqual([]);
  });
});
