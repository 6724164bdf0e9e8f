/**
 * Sessions survive deploys (issue 13), in Chromium against real demo processes:
 *
 * - two instances with the same `REDIS_URL` and `VANGO_SECRET` behind a round-robin TCP
 *   proxy without stickiness: each is restarted in turn with SIGTERM, then killed in turn
 *   with SIGKILL (more than one checkpoint interval after the last change);
 * - one instance on its file snapshot, restarted with SIGTERM and then SIGKILL;
 * - a signed-in page on /account, restarted: rebuilt as the same user, it navigates on.
 *
 * Through all of it the page never reloads, keeps the counter and the typed text, and
 * every click after a restart counts from the kept value.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { DEFAULT_PERSISTENCE } from "vango/server";
import { sparePort } from "vango/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";
import { type RoundRobinProxy, roundRobinProxy } from "./round-robin-proxy.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "rolling-restart-test-secret-0123456789";

let browser: TestBrowser;
const running: DemoProcess[] = [];
let proxy: RoundRobinProxy | undefined;
let dir = "";
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), "vango-rolling-"));
});
afterEach(async () => {
  for (const d of running.splice(0)) d.kill();
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>, port?: number): Promise<DemoProcess> {
  const d = await startDemo(env, port);
  running.push(d);
  return d;
}

/** Stops `d` with `signal` and starts it again on its port; returns the new process. */
async function restart(
  d: DemoProcess,
  signal: "SIGTERM" | "SIGKILL",
  env: Record<string, string>,
): Promise<DemoProcess> {
  d.child.kill(signal);
  const code = await d.exited;
  expect(code, d.output()).toBe(signal === "SIGTERM" ? 0 : "SIGKILL");
  running.splice(running.indexOf(d), 1);
  return start(env, d.port);
}

/** Counts reloads (a marker that a reload would lose) and reconnects of the page. */
async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { marker: number; reconnects: number };
    w.marker = 7;
    w.reconnects = 0;
    document.addEventListener("vango:status", (e) => {
      if ((e as CustomEvent<{ status: string }>).detail.status === "connected") w.reconnects++;
    });
  });
}

async function facts(page: Page) {
  return page.evaluate(() => ({
    marker: (window as unknown as { marker?: number }).marker,
    counter: document.querySelector('[data-testid="counter-value"]')?.textContent,
    typed: (document.querySelector('[data-testid="echo-input"]') as HTMLInputElement).value,
    echo: document.getElementById("echo-output")?.textContent,
  }));
}

/** One more click and keystroke after a restart: counted from the kept state. */
async function step(page: Page, count: number, text: string): Promise<void> {
  await waitForStatus(page, "connected");
  await page.getByTestId("counter-inc").click();
  await expect.poll(() => page.getByTestId("counter-value").textContent()).toBe(String(count));
  await page.getByTestId("echo-input").press("End");
  await page.getByTestId("echo-input").pressSequentially(text.slice(-1));
  await expect.poll(() => page.locator("#echo-output").textContent()).toBe(`You typed: ${text}`);
  expect(await facts(page)).toEqual({
    marker: 7,
    counter: String(count),
    typed: text,
    echo: `You typed: ${text}`,
  });
}

/** Problems besides the browser's own report of a socket that could not connect (restarts). */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/WebSocket connection to .* failed/.test(p));

/**
 * Waits out the checkpoint interval, so SIGKILL finds the last change saved, with room
 * for a wave that a busy machine delays.
 */
const settle = () => new Promise((r) => setTimeout(r, DEFAULT_PERSISTENCE.checkpointMs + 2_500));

describe("rolling restarts", () => {
  it("two instances on Redis behind a round-robin proxy: SIGTERM each, then SIGKILL each", async () => {
    const env = { REDIS_URL, VANGO_SECRET: SECRET, VANGO_STATE_DIR: join(dir, "redis") };
    const ports = [await sparePort(), await sparePort()];
    const demos = [await start(env, ports[0]), await start(env, ports[1])];
    proxy = await roundRobinProxy(ports);

    const { page, problems } = await browser.page();
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await waitForStatus(page, "connected");
    await watch(page);
    await page.getByTestId("counter-inc").click();
    await page.getByTestId("echo-input").pressSequentially("hi");
    await step(page, 2, "hi!");

    let count = 2;
    let text = "hi!";
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      for (const i of [0, 1]) {
        if (signal === "SIGKILL") await settle();
        demos[i] = await restart(demos[i]!, signal, env);
        text += String(i);
        await step(page, ++count, text);
      }
    }
    const w = await page.evaluate(() => (window as unknown as { reconnects: number }).reconnects);
    // The page's socket was on a restarted instance at least once per round.
    expect(w).toBeGreaterThanOrEqual(2);
    expect(proxy.counts.every((n) => n > 0)).toBe(true);
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 120_000);

  it("one instance on its file snapshot: SIGTERM, then SIGKILL", async () => {
    const env = { VANGO_STATE_DIR: join(dir, "file") };
    let demo = await start(env);
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/`);
    await waitForStatus(page, "connected");
    await watch(page);
    await page.getByTestId("echo-input").pressSequentially("ok");
    await step(page, 1, "ok!");

    demo = await restart(demo, "SIGTERM", env);
    await step(page, 2, "ok!1");
    await settle();
    demo = await restart(demo, "SIGKILL", env);
    await step(page, 3, "ok!12");

    const w = await page.evaluate(() => (window as unknown as { reconnects: number }).reconnects);
    expect(w).toBe(2);
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 60_000);

  it("a signed-in page stays signed in across a restart and navigates on", async () => {
    const env = { VANGO_STATE_DIR: join(dir, "signed-in") };
    let demo = await start(env);
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/login?next=%2Faccount`);
    await waitForStatus(page, "connected");
    await page.fill('[data-testid="login-form"] input[name=username]', "demo");
    await page.fill('[data-testid="login-form"] input[name=password]', "demo-password");
    await page.click('[data-testid="login-form"] [type=submit]');
    await page.waitForURL(`${demo.base}/account`);
    await waitForStatus(page, "connected");
    await watch(page);

    demo = await restart(demo, "SIGTERM", env);
    await waitForStatus(page, "connected");
    // Rebuilt from its checkpoint as the same user: no reload, no trip to the login page.
    expect(await page.getByTestId("account-name").textContent()).toBe("demo");
    expect(await page.getByTestId("nav-user").textContent()).toBe("demo");
    await page.click('nav a[href="/"]');
    await page.waitForURL(`${demo.base}/`);
    await page.getByTestId("counter-inc").click();
    await expect.poll(() => page.getByTestId("counter-value").textContent()).toBe("1");
    await page.click('nav a[href="/account"]');
    await page.waitForURL(`${demo.base}/account`);
    expect(await page.getByTestId("account-name").textContent()).toBe("demo");
    const w = await page.evaluate(() => (window as unknown as { marker: number }).marker);
    expect(w).toBe(7);
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 60_000);
});
