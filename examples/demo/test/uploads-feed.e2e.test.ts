/**
 * `/upload` and `/feed` in Chromium against the demo: a 1 MiB file goes up in chunks
 * with progress that ends at 100 % and the exact byte count; a 12 MiB file is refused
 * before any byte is sent; the feed grows as it is scrolled while the page never holds
 * more than its limit of posts; the upload's toast survives a live navigation and a full
 * page load, and its count (a session signal) shows in every tab of the session.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { FEED_LIMIT, FEED_PAGE } from "../src/routes/feed.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

let browser: TestBrowser;
let base = "";
let dir = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), "vango-e2e-upload-"));
  const l = await createApp({ ...(await demoOptions()), devMode: true }).listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(name: string, bytes: number): Promise<string> {
  const p = join(dir, name);
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4096) data[i] = i & 0xff;
  await writeFile(p, data);
  return p;
}

describe("/upload", () => {
  it("uploads 1 MiB with progress that stays at 100 % and shows the exact size", async () => {
    const { page, problems } = await browser.page();
    const puts: number[] = [];
    page.on("request", (r) => {
      if (r.method() === "PUT" && r.url().includes("/_vango/upload/")) puts.push(Date.now());
    });
    await page.goto(`${base}/upload`);
    await waitForStatus(page, "connected");
    const file = await fileOf("one-mib.bin", 1024 * 1024);
    // Progress values seen while it runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid="upload-progress"]');
        if (p && seen[seen.length - 1] !== p.textContent) seen.push(p.textContent ?? "");
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId("upload-input").setInputFiles(file);
    await page.getByTestId("upload-progress").waitFor({ timeout: 5_000 });
    await page.getByTestId("upload-done").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("upload-done").textContent()).toBe("one-mib.bin: 1048576 bytes");
    expect((await page.getByTestId("upload-progress").textContent())?.trim()).toBe("100 %");
    expect(await page.getByTestId("upload-error").count()).toBe(0);
    // 256 KiB chunks: four requests, progress seen before the end.
    expect(puts).toHaveLength(4);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen[0]?.trim()).toBe("0 %");
    expect(seen.map((s) => s.trim())).toContain("100 %");
    expect(seen.length).toBeGreaterThan(2);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("refuses 12 MiB before sending a byte", async () => {
    const { page, problems } = await browser.page();
    const puts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PUT") puts.push(r.url());
    });
    await page.goto(`${base}/upload`);
    await waitForStatus(page, "connected");
    const file = await fileOf("twelve-mib.bin", 12 * 1024 * 1024);
    await page.getByTestId("upload-input").setInputFiles(file);
    await page.getByTestId("upload-error").waitFor({ timeout: 5_000 });
    expect(await page.getByTestId("upload-error").textContent()).toContain("upload_too_large");
    expect(await page.getByTestId("upload-done").count()).toBe(0);
    expect(puts).toEqual([]);
    await page.close();
    // The refused announcement is a 413 the browser logs as a failed resource.
    expect(problems.filter((p) => !p.includes("413"))).toEqual([]);
  });
});

describe("/feed", () => {
  it("grows on scroll while the DOM stays bounded", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/feed`);
    await waitForStatus(page, "connected");
    const items = page.getByTestId("feed-item");
    expect(await items.count()).toBeGreaterThanOrEqual(FEED_PAGE);
    const lastId = async () => Number(await items.last().getAttribute("data-id"));
    let max = 0;
    let most = 0;
    for (let i = 0; i < 30 && max < 600; i++) {
      await page.mouse.wheel(0, 4000);
      await page.waitForTimeout(150);
      max = Math.max(max, await lastId());
      most = Math.max(most, await items.count());
    }
    // It grew far past the first page, never holding more than the limit.
    expect(max).toBeGreaterThanOrEqual(600);
    expect(most).toBeLessThanOrEqual(FEED_LIMIT);
    expect(Number(await items.first().getAttribute("data-id"))).toBeGreaterThan(0);
    // Back to the top: the first posts come back.
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, -6000);
      await page.waitForTimeout(100);
      if (Number(await items.first().getAttribute("data-id")) === 0) break;
    }
    expect(Number(await items.first().getAttribute("data-id"))).toBe(0);
    expect(await items.count()).toBeLessThanOrEqual(FEED_LIMIT);
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe("toasts and session signals", () => {
  it("a toast survives a live navigation and a full page load; every tab of the session shows the count", async () => {
    const context = await browser.browser.newContext();
    const problems: string[] = [];
    const open = async (path: string) => {
      const p = await context.newPage();
      p.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      await p.goto(`${base}${path}`);
      await waitForStatus(p, "connected");
      return p;
    };
    const page = await open("/upload");
    // A second tab of the same browser session (same cookie).
    const other = await open("/upload");
    await expect
      .poll(() => other.getByTestId("upload-count").textContent())
      .toContain("session: 0");
    await page.getByTestId("upload-input").setInputFiles(await fileOf("toast.bin", 1000));
    await page.getByTestId("upload-done").waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.getByTestId("toast").textContent())
      .toContain("Uploaded toast.bin");
    // The other tab's count follows; its page shows no toast of this tab's.
    await expect
      .poll(() => other.getByTestId("upload-count").textContent())
      .toContain("session: 1");
    expect(await other.getByTestId("toast").count()).toBe(0);
    // Live navigation: the layout (and its toast) stays.
    await page.locator('nav a[href="/feed"]').click();
    await page.getByTestId("feed-item").first().waitFor();
    expect(await page.getByTestId("toast").textContent()).toContain("Uploaded toast.bin");
    // A second upload, then at once a full page load: the new page shows the toast.
    await page.goto(`${base}/upload`);
    await waitForStatus(page, "connected");
    await page.getByTestId("upload-input").setInputFiles(await fileOf("again.bin", 2000));
    await expect
      .poll(() => page.getByTestId("toast").allTextContents())
      .toContainEqual(expect.stringContaining("Uploaded again.bin"));
    await page.goto(`${base}/feed`);
    await expect
      .poll(() => page.getByTestId("toast").allTextContents(), { timeout: 5_000 })
      .toContainEqual(expect.stringContaining("Uploaded again.bin"));
    await context.close();
    expect(problems).toEqual([]);
  });
});
