/**
 * `/upload` and `/feed` in Chromium against the demo: a 1 MiB file goes up in chunks
 * over the page's socket with progress that ends at 100 % and the exact byte count; a
 * 12 MiB file is refused before any byte is sent; the Cancel button stops an upload at
 * once in the browser and on the server; the feed grows as it is scrolled, 50 posts at
 * a time, while the page never holds more than its limit of posts; the upload's toast
 * survives a live navigation and a full page load, and its count (a session signal)
 * shows in every tab of the session.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { FEED_LIMIT, FEED_PAGE } from "../src/routes/feed.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";
import { watchUploads } from "./upload-watch.ts";

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
    const sent = watchUploads(page);
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
    // 64 KiB chunks on the socket (plus a few header bytes each), no HTTP request;
    // progress seen before the end.
    expect(sent.chunks).toHaveLength(16);
    expect(sent.chunks.every((n) => n > 64 * 1024 && n < 64 * 1024 + 64)).toBe(true);
    expect(sent.http).toEqual([]);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen[0]?.trim()).toBe("0 %");
    expect(seen.map((s) => s.trim())).toContain("100 %");
    expect(seen.length).toBeGreaterThan(2);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("refuses 12 MiB before sending a byte", async () => {
    const { page, problems } = await browser.page();
    const sent = watchUploads(page);
    await page.goto(`${base}/upload`);
    await waitForStatus(page, "connected");
    const file = await fileOf("twelve-mib.bin", 12 * 1024 * 1024);
    await page.getByTestId("upload-input").setInputFiles(file);
    await page.getByTestId("upload-error").waitFor({ timeout: 5_000 });
    expect(await page.getByTestId("upload-error").textContent()).toContain("upload_too_large");
    expect(await page.getByTestId("upload-done").count()).toBe(0);
    expect(sent.chunks).toEqual([]);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("Cancel stops the upload at once in the browser and on the server", async () => {
    const { page, problems } = await browser.page();
    const sent = watchUploads(page);
    // Counts the Data frames the page hands its socket, and that count when a click lands.
    await page.addInitScript(() => {
      const w = window as unknown as { dataSends: number; atClick: number };
      w.dataSends = 0;
      w.atClick = -1;
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (d) {
        if (d instanceof Uint8Array && (d[0]! & 0x1f) === 12) w.dataSends++;
        return send.call(this, d);
      };
      addEventListener("click", () => (w.atClick = w.dataSends), { capture: true });
    });
    await page.goto(`${base}/upload`);
    await waitForStatus(page, "connected");
    // A slow uplink (256 KB/s) so the 8 MiB file is still going when Cancel is clicked.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: 4 * 1024 * 1024,
      uploadThroughput: 256 * 1024,
    });
    await page.getByTestId("upload-input").setInputFiles(await fileOf("eight-mib.bin", 8 << 20));
    await expect.poll(() => sent.chunks.length, { timeout: 10_000 }).toBeGreaterThan(2);
    await page.getByTestId("upload-cancel").click();
    await page.getByTestId("upload-cancelled").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("upload-cancelled").textContent()).toBe(
      "eight-mib.bin: cancelled",
    );
    // Nothing was handed to the socket after the click: the hook stopped reading and
    // sending at once (a read in flight is dropped), before the server answered.
    await page.waitForTimeout(1000);
    const counts = await page.evaluate(() => {
      const w = window as unknown as { dataSends: number; atClick: number };
      return { sends: w.dataSends, atClick: w.atClick };
    });
    expect(counts.atClick).toBeGreaterThan(2);
    expect(counts.sends).toBe(counts.atClick);
    expect(counts.sends).toBeLessThan(128);
    const pct = Number(
      (await page.getByTestId("upload-progress").textContent())?.trim().split(" ")[0],
    );
    expect(pct).toBeLessThan(100);
    expect(await page.getByTestId("upload-cancel").count()).toBe(0);
    expect(await page.getByTestId("upload-done").count()).toBe(0);
    // The field takes a new file at once (the cancelled one no longer counts).
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.getByTestId("upload-input").setInputFiles(await fileOf("after.bin", 5000));
    await page.getByTestId("upload-done").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("upload-done").textContent()).toBe("after.bin: 5000 bytes");
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe("/feed", () => {
  it("grows on scroll, 50 posts at a time, while the DOM stays bounded", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/feed`);
    await waitForStatus(page, "connected");
    const items = page.getByTestId("feed-item");
    // The first page is exactly one step; then every change the list goes through (one
    // per patch frame) is recorded: first id, last id, count.
    expect(await items.count()).toBe(FEED_PAGE);
    await page.evaluate(() => {
      const steps: [number, number, number][] = [];
      (window as unknown as { steps: typeof steps }).steps = steps;
      const list = document.querySelector("ol.feed")!;
      new MutationObserver(() => {
        const all = list.querySelectorAll('[data-testid="feed-item"]');
        const id = (el: Element | undefined) => Number(el?.getAttribute("data-id"));
        steps.push([id(all[0]), id(all[all.length - 1]), all.length]);
      }).observe(list, { childList: true });
    });
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
    // Every state the list went through is whole pages of 50: posts lo … hi - 1 with lo
    // and hi multiples of 50; each move of an edge is one page (down: hi + 50, up: lo - 50).
    const steps = await page.evaluate(
      () => (window as unknown as { steps: [number, number, number][] }).steps,
    );
    expect(steps.length).toBeGreaterThan(20);
    let prev: [number, number, number] = [0, FEED_PAGE - 1, FEED_PAGE];
    for (const [first, last, count] of steps) {
      expect(first % FEED_PAGE).toBe(0);
      expect((last + 1) % FEED_PAGE).toBe(0);
      expect(count).toBe(last + 1 - first);
      expect(count).toBeLessThanOrEqual(FEED_LIMIT);
      if (last !== prev[1]) expect(Math.abs(last - prev[1])).toBe(FEED_PAGE);
      if (first !== prev[0]) expect(Math.abs(first - prev[0])).toBe(FEED_PAGE);
      prev = [first, last, count];
    }
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
