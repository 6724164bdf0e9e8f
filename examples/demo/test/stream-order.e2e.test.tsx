/**
 * Out-of-order streaming in real Chromium: a page with two `<Async>` boundaries whose
 * second resolves first. The response carries the second one's swap first, then the
 * first's; the browser shows each in its own place, and the page the client attaches to
 * is the session's (a click in either swapped part is handled, no resync, no error).
 */
import { request } from "node:http";
import { Async, resource, signal, urlState } from "vango";
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

const after = (ms: number, value: string, abort: AbortSignal) =>
  new Promise<string>((resolve) => {
    const t = setTimeout(() => resolve(value), ms);
    abort.addEventListener("abort", () => clearTimeout(t));
  });

function Part(props: { name: string; text: string }) {
  const clicks = signal(0);
  return () => (
    <button
      type="button"
      data-testid={`${props.name}-ready`}
      onClick={() => clicks.set(clicks() + 1)}
    >
      {props.text} {clicks()}
    </button>
  );
}

/** `/two?a=300&b=100`: boundary A in document order first, B second. */
function Two() {
  const a = urlState("a", 300);
  const b = urlState("b", 100);
  const first = resource(({ signal: abort }) => after(a.peek(), "A", abort));
  const second = resource(({ signal: abort }) => after(b.peek(), "B", abort));
  return () => (
    <div>
      <section id="first">
        <Async fallback={<p>Loading A…</p>}>{() => <Part name="a" text={first.value()} />}</Async>
      </section>
      <section id="second">
        <Async fallback={<p>Loading B…</p>}>{() => <Part name="b" text={second.value()} />}</Async>
      </section>
    </div>
  );
}

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  // The demo app (its layout, head and favicon) with one more page.
  const demo = await demoOptions();
  const l = await createApp({
    ...demo,
    routes: { ...demo.routes, "/two": Two },
    devMode: true,
  }).listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

/** The response body's chunks, each with its time since the request. */
function chunks(url: string): Promise<{ at: number; text: string }[]> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, (res) => {
      const out: { at: number; text: string }[] = [];
      res.setEncoding("utf8");
      res.on("data", (text: string) => out.push({ at: performance.now() - t0, text }));
      res.on("end", () => resolve(out));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("out-of-order streaming", () => {
  it("sends the boundary that is ready first first, each swap for its own section", async () => {
    const got = await chunks(`${base}/two?a=300&b=100`);
    const body = got.map((c) => c.text).join("");
    expect(got[0]!.text).toContain("Loading A…");
    expect(got[0]!.text).toContain("Loading B…");
    const firstHid = /<section data-hid="(\d+)" id="first">/.exec(body)![1];
    const secondHid = /<section data-hid="(\d+)" id="second">/.exec(body)![1];
    const s1 = body.indexOf('<template id="vango-s1">');
    const s2 = body.indexOf('<template id="vango-s2">');
    expect(s1).toBeGreaterThan(0);
    expect(s2).toBeGreaterThan(s1);
    // B (second in the document) came first, as the second section alone; then A's.
    expect(body.slice(s1, s2)).toMatch(
      new RegExp(
        `^<template id="vango-s1"><section data-hid="${secondHid}" id="second"><button[^>]*data-testid="b-ready"[^>]*>B 0</button></section></template><script nonce="[^"]+">.*\\$vangoSwap\\(1,${secondHid},0\\);</script>$`,
      ),
    );
    expect(body.slice(s2)).toMatch(
      new RegExp(
        `^<template id="vango-s2"><section data-hid="${firstHid}" id="first"><button[^>]*data-testid="a-ready"[^>]*>A 0</button></section></template><script nonce="[^"]+">\\$vangoSwap\\(2,${firstHid},0\\);</script>`,
      ),
    );
    const at = (needle: string) => got.find((c) => c.text.includes(needle))!.at;
    expect(at('data-testid="b-ready"')).toBeLessThan(at('data-testid="a-ready"'));
    expect(at('data-testid="a-ready"')).toBeGreaterThanOrEqual(295);
  });

  it("the browser shows each part in its place, in arrival order, and the attached page is live", async () => {
    const { page, problems } = await browser.page();
    await page.addInitScript(() => {
      const w = window as unknown as { seen: string[]; resyncs: number; errors: number };
      w.seen = [];
      w.resyncs = 0;
      w.errors = 0;
      document.addEventListener("vango:resync", () => w.resyncs++);
      document.addEventListener("vango:error", () => w.errors++);
      new MutationObserver(() => {
        for (const name of ["a", "b"]) {
          if (w.seen.includes(name)) continue;
          if (document.querySelector(`[data-testid="${name}-ready"]`) !== null) w.seen.push(name);
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${base}/two?a=300&b=100`);
    await waitForStatus(page, "connected");
    expect(await page.locator("#first").innerText()).toBe("A 0");
    expect(await page.locator("#second").innerText()).toBe("B 0");
    expect(await page.locator("template, script:not([src]):not([type])").count()).toBe(0);
    await page.getByTestId("a-ready").click();
    await expect.poll(() => page.getByTestId("a-ready").textContent()).toBe("A 1");
    await page.getByTestId("b-ready").click();
    await page.getByTestId("b-ready").click();
    await expect.poll(() => page.getByTestId("b-ready").textContent()).toBe("B 2");
    expect(
      await page.evaluate(() => {
        const w = window as unknown as { seen: string[]; resyncs: number; errors: number };
        return [w.seen, w.resyncs, w.errors];
      }),
    ).toEqual([["b", "a"], 0, 0]);
    await page.close();
    expect(problems).toEqual([]);
  });
});
