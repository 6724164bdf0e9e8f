/**
 * Regression (issue 10, defect 6), in real Chromium: in devMode a throwing handler or
 * render shows in the browser console and in an overlay with its code, message, source
 * location and component stack, and a page whose setup throws answers an error page
 * with the report; in production nothing of it reaches the browser.
 */
import { signal } from "vango";
import { createApp, silentLogger } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

function Cell(props: { broken: boolean }) {
  if (props.broken) throw new Error("cell broke");
  return <td>cell</td>;
}

function Table() {
  const broken = signal(false);
  return () => (
    <div>
      <button type="button" data-testid="break" onClick={() => broken.set(true)}>
        break
      </button>
      <button
        type="button"
        data-testid="throw"
        onClick={() => {
          throw new Error("handler broke");
        }}
      >
        throw
      </button>
      <table>
        <tbody>
          <tr>
            <Cell broken={broken()} />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function Crash(): never {
  throw new Error("setup broke");
}

let browser: TestBrowser;
const servers: { base: string; close: () => Promise<void> }[] = [];
async function serve(devMode: boolean): Promise<string> {
  const app = createApp({ routes: { "/": Table, "/crash": Crash }, logger: silentLogger, devMode });
  const l = await app.listen(0, "127.0.0.1");
  const base = `http://127.0.0.1:${l.port}`;
  servers.push({ base, close: l.close });
  return base;
}

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await browser?.close();
});

describe("errors a developer can see", () => {
  it("devMode: overlay and console show the handler's and the render's reports", async () => {
    const base = await serve(true);
    const { page, problems } = await browser.page();
    await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));
    await page.goto(base + "/");
    await waitForStatus(page, "connected");
    await page.click('[data-testid="throw"]');
    const overlay = page.locator("#vango-dev-overlay");
    await overlay.waitFor();
    expect(await overlay.textContent()).toContain("handler_error: handler broke");
    expect(await overlay.textContent()).toContain("dev-errors.e2e.test.tsx");
    await page.keyboard.press("Escape");
    await overlay.waitFor({ state: "detached" });
    await page.click('[data-testid="break"]');
    await overlay.waitFor();
    const text = (await overlay.textContent()) ?? "";
    expect(text).toContain("render_error: setup of Cell: cell broke");
    expect(text).toContain("component stack: Cell ← Table");
    await page.close();
    expect(problems).toEqual([
      expect.stringMatching(/^console: \[vango\] handler_error: handler broke/),
      expect.stringMatching(/^console: \[vango\] render_error: setup of Cell: cell broke/),
    ]);
  });

  it("devMode: a page that fails to render answers 500 with the report", async () => {
    const base = await serve(true);
    const { page } = await browser.page();
    const res = await page.goto(base + "/crash");
    expect([res?.status(), res?.headers()["x-vango-error"]]).toEqual([500, "render_error"]);
    const pre = (await page.textContent("pre")) ?? "";
    expect(pre).toContain("setup of Crash: setup broke");
    expect(pre).toContain("component stack: Crash");
    await page.close();
  });

  it("production: no overlay, no report; the coded event still fires", async () => {
    const base = await serve(false);
    const { page, problems } = await browser.page();
    await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));
    await page.goto(base + "/");
    await waitForStatus(page, "connected");
    await page.evaluate(() => {
      (window as unknown as { seen: unknown[] }).seen = [];
      document.addEventListener("vango:error", (e) =>
        (window as unknown as { seen: unknown[] }).seen.push((e as CustomEvent).detail),
      );
    });
    await page.click('[data-testid="throw"]');
    await page.waitForFunction(() => (window as unknown as { seen: unknown[] }).seen.length > 0);
    const seen = await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen);
    expect(seen).toEqual([expect.objectContaining({ code: "handler_error", message: "" })]);
    expect(await page.locator("#vango-dev-overlay").count()).toBe(0);
    expect(await page.locator('script[src*="client-dev"]').count()).toBe(0);
    const crash = await page.goto(base + "/crash");
    expect(crash?.status()).toBe(500);
    expect(await page.locator("pre").count()).toBe(0);
    await page.close();
    expect(problems.filter((p) => !p.includes("500"))).toEqual([]);
  });
});
