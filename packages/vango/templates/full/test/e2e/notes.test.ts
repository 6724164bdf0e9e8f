/**
 * In Chromium against the app run by `vango dev` (needs Postgres at DATABASE_URL and a
 * Chromium at CHROMIUM_PATH, default /usr/bin/chromium): sign in, a refused note, a
 * stored one.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { sparePort } from "vango/testing";

let browser: Browser;
let stop: () => Promise<void>;
let base = "";

before(async () => {
  const port = await sparePort();
  base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, ["node_modules/vango/dist/cli/bin.js", "dev"], {
    env: { ...process.env, PORT: String(port), METRICS_PORT: "off" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  app.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  const deadline = Date.now() + 60_000;
  while (!out.includes("vango dev on")) {
    if (app.exitCode !== null || Date.now() > deadline)
      throw new Error(`app did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  stop = async () => {
    app.kill("SIGTERM");
    await once(app, "exit");
  };
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
});

after(async () => {
  await browser?.close();
  await stop?.();
});

test("sign in, then add a note (a short title is refused)", async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${base}/notes`);
  assert.match(page.url(), /\/login\?next=/);
  await page.fill('input[name="username"]', "demo");
  await page.fill('input[name="password"]', "demo-password");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${base}/notes`);
  await page.waitForFunction(() => document.documentElement.classList.contains("vango-connected"));

  await page.fill('input[name="title"]', "x");
  await page.click('[data-testid="note-form"] button[type="submit"]');
  await page.getByText("At least 2 characters").waitFor();

  const title = `Note ${Date.now()}`;
  await page.fill('input[name="title"]', title);
  await page.fill('textarea[name="body"]', "from the e2e test");
  await page.click('[data-testid="note-form"] button[type="submit"]');
  await page.getByTestId("note-item").filter({ hasText: title }).waitFor();
  assert.equal(await page.getByTestId("field-error").textContent(), "");
  assert.deepEqual(problems, []);
  await page.close();
});
