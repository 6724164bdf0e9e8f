/**
 * `/slow?ms=N` (issue 12): data that arrives after N ms. Below the page's wait (50 ms)
 * the server's HTML already holds the list; slower, the fallback goes out first and the
 * list follows later in the same response (out-of-order streaming, read here chunk by
 * chunk off the socket) — or, past the stream's limit, as a patch once the client
 * attached. The browser always ends up showing it, and the live page agrees with it.
 */
import { request } from "node:http";
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

let browser: TestBrowser;
let base = "";
let noStreamBase = "";
let patientBase = "";
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  browser = await launch();
  const l = await createApp({ ...(await demoOptions()), devMode: true }).listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  // Streaming off: what is slower than the page's wait arrives as patches.
  const ns = await createApp({
    ...(await demoOptions()),
    devMode: true,
    timeouts: { pageStreamMs: 0 },
  }).listen(0, "127.0.0.1");
  noStreamBase = `http://127.0.0.1:${ns.port}`;
  // A page wait of 1 s: 300 ms of data is inline.
  const pt = await createApp({
    ...(await demoOptions()),
    devMode: true,
    timeouts: { pageDataMs: 1_000 },
  }).listen(0, "127.0.0.1");
  patientBase = `http://127.0.0.1:${pt.port}`;
  closers.push(l.close, ns.close, pt.close);
});
afterAll(async () => {
  for (const c of closers) await c();
  await browser?.close();
});

interface Chunk {
  readonly at: number;
  readonly text: string;
}

/** GETs `url` and records each chunk the socket delivered, with its time since the request. */
function chunks(url: string): Promise<{ headers: Record<string, unknown>; chunks: Chunk[] }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, (res) => {
      const out: Chunk[] = [];
      res.setEncoding("utf8");
      res.on("data", (text: string) => out.push({ at: performance.now() - t0, text }));
      res.on("end", () => resolve({ headers: res.headers, chunks: out }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("/slow", () => {
  it("is in the server's HTML when the data beats the page's wait", async () => {
    const res = await fetch(`${base}/slow?ms=5`);
    expect(res.headers.get("content-length")).not.toBeNull();
    const html = await res.text();
    expect(html).toMatch(/data-testid="slow-ready"/);
    expect(html).not.toMatch(/Loading…|<template/);
  });

  it("waits as long as timeouts.pageDataMs says: with 1 s, 300 ms of data is inline", async () => {
    const t0 = performance.now();
    const res = await fetch(`${patientBase}/slow?ms=300`);
    const html = await res.text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(html)));
    expect(html).toMatch(/data-testid="slow-ready"/);
    expect(html).not.toMatch(/Loading…|<template/);
    // Slower than that wait, it streams as with the default one.
    const slower = await fetch(`${patientBase}/slow?ms=1200`);
    expect(slower.headers.get("content-length")).toBeNull();
    expect(await slower.text()).toMatch(/Loading….*<template id="vango-s1">.*slow-ready/s);
  });

  it("streams slower data later in the same response, swapped in under the CSP nonce", async () => {
    // Data that takes 800 ms, so that "before the data" has room on a busy machine.
    const { headers, chunks: got } = await chunks(`${base}/slow?ms=800`);
    // Chunked: the length is not known when the first bytes go out.
    expect(headers["content-length"]).toBeUndefined();
    expect(headers["transfer-encoding"]).toBe("chunked");
    const body = got.map((c) => c.text).join("");
    const first = got.findIndex((c) => c.text.includes("Loading…"));
    const list = got.findIndex((c) => c.text.includes('data-testid="slow-ready"'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(list).toBeGreaterThan(first);
    // The fallback went out before the data existed; the list after it did.
    expect(got[first]!.at).toBeLessThan(600);
    expect(got[list]!.at).toBeGreaterThanOrEqual(795);
    expect(got[first]!.text).not.toContain("vango-boot");
    // The list comes in a template and a script carrying the response's nonce, then the
    // boot data and the end of the document.
    const nonce = /'nonce-([^']+)'/.exec(String(headers["content-security-policy"]))![1]!;
    expect(body).toMatch(
      new RegExp(
        `<template id="vango-s1"><main data-hid="\\d+" id="main">.*data-testid="slow-ready".*</main></template><script nonce="${nonce.replace(/[+/=]/g, "\\$&")}">function \\$vangoSwap`,
      ),
    );
    expect(body.indexOf("vango-boot")).toBeGreaterThan(body.indexOf("$vangoSwap(1,"));
    expect(body.endsWith("</body></html>")).toBe(true);
  });

  it("with streaming off, the page ends at once and the list comes as a patch", async () => {
    const res = await fetch(`${noStreamBase}/slow?ms=300`);
    const html = await res.text();
    expect(html).toMatch(/Loading…/);
    expect(html).not.toMatch(/slow-ready|<template/);
    const { page, problems } = await browser.page();
    await page.goto(`${noStreamBase}/slow?ms=300`);
    await page.getByTestId("slow-ready").waitFor({ timeout: 5_000 });
    expect(await page.getByTestId("slow-ready").locator("li").count()).toBe(5);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("a streamed page is live: the session holds what the browser shows (no resync, no patch needed)", async () => {
    const { page, problems } = await browser.page();
    await page.addInitScript(() => {
      const w = window as unknown as { resyncs: number; errors: number; before?: boolean };
      w.resyncs = 0;
      w.errors = 0;
      document.addEventListener("vango:resync", () => w.resyncs++);
      document.addEventListener("vango:error", () => w.errors++);
      // Whether the list reached the document before the client started.
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid="slow-ready"]') === null) return;
        w.before = !document.documentElement.className.includes("vango-");
        obs.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${base}/slow?ms=300`);
    await waitForStatus(page, "connected");
    expect(await page.locator("template, script:not([src]):not([type])").count()).toBe(0);
    await page.getByTestId("theme-toggle").click();
    await expect.poll(() => page.getByTestId("theme-toggle").textContent()).toBe("Dark theme");
    await page.click('a[href="/slow?ms=30"]');
    await page.waitForURL(`${base}/slow?ms=30`);
    await expect.poll(() => page.locator("main p").first().textContent()).toContain("30 ms");
    // The page's first frame can come before its 30 ms of data (under load): wait for the list.
    await expect.poll(() => page.getByTestId("slow-ready").locator("li").count()).toBe(5);
    expect(
      await page.evaluate(() => {
        const w = window as unknown as { resyncs: number; errors: number; before?: boolean };
        return [w.before, w.resyncs, w.errors];
      }),
    ).toEqual([true, 0, 0]);
    await page.close();
    expect(problems).toEqual([]);
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
