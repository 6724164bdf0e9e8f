/**
 * Issue 13, many instances, end to end: two real demo processes on different ports with
 * the same `REDIS_URL` and `VANGO_SECRET` behave as one app — a chat message typed in
 * Chromium on instance A appears in a page on instance B (and back), both pages list
 * who is online, the shared counter reads 1, 2 across the instances (a module-level
 * signal read 1, 1, 2), and a Redis outage degrades to this instance, then heals.
 * Runs on a redis-server of its own (pub/sub channels are global to a Redis server, so
 * the shared one would mix in other runs' demos), never the shared one.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisProcess } from "../../../packages/vango/test/server/redis-process.ts";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";

let redis: RedisProcess;
let browser: TestBrowser;
let a: DemoProcess;
let b: DemoProcess;
const problems: string[][] = [];

beforeAll(async () => {
  redis = await RedisProcess.start();
  const env = {
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    VANGO_SECRET: "shared-state-e2e-secret-0123456789",
  };
  [a, b, browser] = await Promise.all([startDemo(env), startDemo(env), launch()]);
}, 60_000);

afterAll(async () => {
  a?.kill();
  b?.kill();
  await browser?.close();
  await redis?.stop();
});

async function open(demo: DemoProcess, path: string): Promise<Page> {
  const { page, problems: p } = await browser.page();
  problems.push(p);
  await page.goto(demo.base + path);
  await waitForStatus(page, "connected");
  return page;
}

const texts = (page: Page, id: string): Promise<string[]> => page.getByTestId(id).allTextContents();

async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-input").press("Enter");
}

async function waitForText(page: Page, id: string, text: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ([id, text]) =>
      [...document.querySelectorAll(`[data-testid="${id}"]`)].some((e) =>
        (e.textContent ?? "").includes(text),
      ),
    [id, text] as const,
    { timeout },
  );
}

async function ready(demo: DemoProcess): Promise<{ status: number; bus?: { status: string } }> {
  const res = await fetch(`${demo.base}/health/ready`);
  const body = (await res.json()) as { checks: Record<string, { status: string }> };
  return { status: res.status, bus: body.checks.bus };
}

describe("two demo instances on one Redis", () => {
  it("chat: a message typed on A appears on B and back; both list who is online", async () => {
    const pa = await open(a, "/chat");
    const pb = await open(b, "/chat");
    // Each tab joined once connected: both instances list both tabs.
    await pa.waitForFunction(
      () => document.querySelectorAll('[data-testid="chat-member"]').length === 2,
    );
    await pb.waitForFunction(
      () => document.querySelectorAll('[data-testid="chat-member"]').length === 2,
    );
    expect(await texts(pa, "chat-member")).toEqual(await texts(pb, "chat-member"));

    await say(pa, "hello from A");
    await waitForText(pb, "chat-message", "hello from A");
    expect(await pa.getByTestId("chat-input").inputValue()).toBe("");
    await say(pb, "hi from B");
    await waitForText(pa, "chat-message", "hi from B");
    // B shows its own message once it comes back over the bus: A may have it first.
    await waitForText(pb, "chat-message", "hi from B");
    const order = await texts(pa, "chat-message");
    expect(order.slice(-2).map((t) => t.split(": ")[1])).toEqual(["hello from A", "hi from B"]);
    expect(await texts(pb, "chat-message")).toEqual(order);

    // A tab opened later on B shows what was said before it came.
    const late = await open(b, "/chat");
    expect((await texts(late, "chat-message")).slice(-2)).toEqual(order.slice(-2));

    // Closing tabs: their members leave on both instances.
    await late.close({ runBeforeUnload: true });
    await pb.close({ runBeforeUnload: true });
    await pa.waitForFunction(
      () => document.querySelectorAll('[data-testid="chat-member"]').length === 1,
    );
    await pa.close();
    for (const p of problems) expect(p).toEqual([]);
  }, 60_000);

  it("chat without JavaScript: the form posts (303) and the message reaches a live tab on B", async () => {
    const pb = await open(b, "/chat");
    const context = await browser.browser.newContext({ javaScriptEnabled: false });
    const off = await context.newPage();
    await off.goto(`${a.base}/chat`);
    await off.getByTestId("chat-input").fill("posted without JS");
    const [res] = await Promise.all([
      off.waitForResponse((r) => r.request().method() === "POST"),
      off.getByTestId("chat-input").press("Enter"),
    ]);
    expect([res.status(), res.headers().location]).toEqual([303, "/chat"]);
    await off.waitForLoadState();
    expect(await texts(off, "chat-message")).toContainEqual(
      expect.stringContaining("posted without JS"),
    );
    await waitForText(pb, "chat-message", "posted without JS");
    // A page without a socket is nobody online.
    expect(await texts(off, "chat-member")).toHaveLength(1);
    await context.close();
    await pb.close();
  }, 30_000);

  it("the shared counter reads 1, 2 across instances (a module-level signal read 1, 1, 2)", async () => {
    const pa = await open(a, "/");
    const start = Number(await pa.getByTestId("global-counter-value").textContent());
    await pa.getByTestId("global-counter-inc").click();
    await waitForText(pa, "global-counter-value", String(start + 1));
    const pb = await open(b, "/");
    await waitForText(pb, "global-counter-value", String(start + 1));
    await pb.getByTestId("global-counter-inc").click();
    await waitForText(pb, "global-counter-value", String(start + 2));
    await waitForText(pa, "global-counter-value", String(start + 2));
    // The per-tab counter stays per tab.
    expect(await pa.getByTestId("counter-value").textContent()).toBe("0");
    await pa.close();
    await pb.close();
    for (const p of problems) expect(p).toEqual([]);
  }, 30_000);

  it("a Redis outage keeps each instance working on its own, readiness says so, and it heals", async () => {
    const pa = await open(a, "/chat");
    const pa2 = await open(a, "/chat");
    const pb = await open(b, "/chat");
    expect(await ready(a)).toMatchObject({ bus: { status: "ok" } });

    await redis.stop();
    await say(pa, "said during the outage");
    // Local delivery: the other tab on A hears it at once.
    await waitForText(pa2, "chat-message", "said during the outage", 2_000);
    const r = await ready(a);
    expect(r.bus?.status).toBe("degraded");
    expect(r.status).toBe(503); // the Redis PING probe fails; the bus alone would keep 200

    await redis.resume();
    // After the reconnection the instances exchange what they missed, and go on live.
    await waitForText(pb, "chat-message", "said during the outage", 20_000);
    await say(pb, "and after it");
    await waitForText(pa, "chat-message", "and after it", 10_000);
    await expect.poll(async () => (await ready(a)).bus?.status, { timeout: 10_000 }).toBe("ok");
    for (const p of [pa, pa2, pb]) await p.close();
  }, 60_000);
});
