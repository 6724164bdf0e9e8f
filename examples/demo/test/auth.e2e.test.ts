/**
 * Sign-in in real Chromium, on the demo as `npm start` runs it (no devMode: `__Host-`
 * cookies, Secure, which Chromium accepts on loopback http): with JavaScript off — the
 * guard's 302 to /login?next=…, a refused login (422), a login (303 to next), the
 * cookies' flags, logout (303, cookies gone, guarded again) — and with JavaScript — the
 * login form submitted over the socket, its grant setting the cookies, logout — and a
 * live page whose sign-in ends (a short one here) coming back after the login with its
 * counter and typed text — with no console errors. (Guards on live navigation are
 * covered in-process: packages/vango/test/auth/live.test.tsx.)
 */
import { createApp, MemorySessionStore } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAuth } from "../src/auth.ts";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const app = createApp(await demoOptions());
  const l = await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

describe("sign-in without JavaScript", () => {
  it("guard → login (422, then 303 to next) → account → logout → guarded again", async () => {
    const context = await browser.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const guarded = await page.goto(`${base}/account`);
    expect(guarded?.request().redirectedFrom()?.url()).toBe(`${base}/account`);
    expect(page.url()).toBe(`${base}/login?next=%2Faccount`);

    await page.fill('[data-testid="login-form"] input[name=username]', "demo");
    await page.fill('[data-testid="login-form"] input[name=password]', "not-the-password");
    const [bad] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('[data-testid="login-form"] [type=submit]'),
    ]);
    expect(bad.status()).toBe(422);
    await page.waitForLoadState();
    expect(await page.getByTestId("login-error").textContent()).not.toBe("");
    expect(await page.inputValue('[data-testid="login-form"] input[name=username]')).toBe("demo");

    await page.fill('[data-testid="login-form"] input[name=password]', "demo-password");
    const [ok] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('[data-testid="login-form"] [type=submit]'),
    ]);
    expect([ok.status(), ok.headers().location]).toEqual([303, "/account"]);
    await page.waitForURL(`${base}/account`);
    expect(await page.getByTestId("account-name").textContent()).toBe("demo");
    const cookies = await context.cookies();
    for (const name of ["__Host-vango_at", "__Host-vango_rt"]) {
      expect(cookies.find((c) => c.name === name)).toMatchObject({
        httpOnly: true,
        secure: true,
        sameSite: "Lax",
        path: "/",
      });
    }
    // The logout form carries its CSRF field, like every POST form.
    expect(await page.locator('[data-testid="logout-form"] input[name=_csrf]').count()).toBe(1);
    const [out] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('[data-testid="logout-form"] [type=submit]'),
    ]);
    expect([out.status(), out.headers().location]).toEqual([303, "/login"]);
    expect((await context.cookies()).filter((c) => c.name.includes("vango_at"))).toEqual([]);
    await page.goto(`${base}/account`);
    expect(page.url()).toBe(`${base}/login?next=%2Faccount`);
    await context.close();
  });
});

describe("sign-in with JavaScript (live)", () => {
  it("the guard sends to login, the form submits over the socket, its grant lands on next, logout signs out", async () => {
    const { page, problems } = await browser.page();
    const posts: string[] = [];
    const gets: string[] = [];
    page.on("request", (r) =>
      (r.method() === "POST" ? posts : gets).push(new URL(r.url()).pathname),
    );
    await page.goto(`${base}/`);
    await waitForStatus(page, "connected");
    await page.click('nav a[href="/account"]');
    await page.waitForURL(`${base}/login?next=%2Faccount`);
    await waitForStatus(page, "connected");

    await page.fill('[data-testid="login-form"] input[name=username]', "demo");
    await page.fill('[data-testid="login-form"] input[name=password]', "wrong");
    await page.click('[data-testid="login-form"] [type=submit]');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="login-error"]')?.textContent ?? "") !== "",
    );

    await page.fill('[data-testid="login-form"] input[name=password]', "demo-password");
    await page.click('[data-testid="login-form"] [type=submit]');
    await page.waitForURL(`${base}/account`);
    await waitForStatus(page, "connected");
    expect(await page.getByTestId("account-name").textContent()).toBe("demo");
    expect(await page.getByTestId("nav-user").textContent()).toBe("demo");
    // Both submissions went over the socket; the cookies came with the grant's page load.
    expect(posts).toEqual([]);
    expect(gets).toContain("/_vango/auth/grant");

    await page.click('[data-testid="logout-form"] [type=submit]');
    await page.waitForURL(`${base}/login`);
    await waitForStatus(page, "connected");
    expect(await page.locator('nav a[href="/login"]').count()).toBe(1);
    await page.click('nav a[href="/account"]');
    await page.waitForURL(`${base}/login?next=%2Faccount`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("a live page whose sign-in ends", () => {
  it("goes to login with next, and comes back after the login with its counter and typed text", async () => {
    // The demo with a short sign-in (it ends 7–8 s after the login), sessions in memory.
    const auth = await demoAuth({}, undefined, { accessTtlMs: 2_000, refreshTtlMs: 8_000 });
    const app = createApp(
      await demoOptions({ auth, app: { persistence: { store: new MemorySessionStore() } } }),
    );
    const l = await app.listen(0, "127.0.0.1");
    const at = `http://127.0.0.1:${l.port}`;
    const { page, problems } = await browser.page();
    try {
      const login = async () => {
        await page.fill('[data-testid="login-form"] input[name=username]', "demo");
        await page.fill('[data-testid="login-form"] input[name=password]', "demo-password");
        await page.click('[data-testid="login-form"] [type=submit]');
        await page.waitForURL(`${at}/?tab=2`);
        await waitForStatus(page, "connected");
      };
      await page.goto(`${at}/login?next=%2F%3Ftab%3D2`);
      await waitForStatus(page, "connected");
      await login();
      const signedInAt = Date.now();
      expect(await page.getByTestId("nav-user").textContent()).toBe("demo");
      for (let i = 0; i < 3; i++) await page.click('[data-testid="counter-inc"]');
      await page.fill('[data-testid="echo-input"]', "kept across the login");
      await page.waitForFunction(
        () => document.querySelector('[data-testid="counter-value"]')?.textContent === "3",
      );
      await page.waitForFunction(() =>
        (document.querySelector("#echo-output")?.textContent ?? "").includes("kept across"),
      );
      // Past the sign-in's end: the next event finds it over.
      await page.waitForTimeout(Math.max(0, signedInAt + 8_500 - Date.now()));
      await page.click('[data-testid="counter-inc"]');
      await page.waitForURL(/\/login\?next=%2F%3Ftab%3D2&restore=[\w-]{24}$/);
      expect(await page.locator('nav a[href="/login"]').count()).toBe(1);
      await login();
      // The page as it was: the click that found the sign-in over did not count.
      expect(await page.getByTestId("counter-value").textContent()).toBe("3");
      expect(await page.inputValue('[data-testid="echo-input"]')).toBe("kept across the login");
      expect(await page.getByTestId("nav-user").textContent()).toBe("demo");
      // It stays live: the restored state goes on from there.
      await page.click('[data-testid="counter-inc"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="counter-value"]')?.textContent === "4",
      );
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await l.close();
      await auth.close();
    }
  }, 40_000);
});
