/**
 * The demo's sign-in (`src/auth.ts`) behind its own login page: the demo user signs in
 * whenever the demo runs outside production mode, and does not exist with
 * `NODE_ENV=production` (a deployment never ships a known password).
 */
import { createApp } from "vango/server";
import { describe, expect, it } from "vitest";
import { demoAuth } from "../src/auth.ts";
import * as loginPage from "../src/routes/login.tsx";

async function loginAsDemo(env: Record<string, string | undefined>): Promise<number> {
  const auth = await demoAuth(env);
  const app = createApp(
    auth.wire({
      routes: { "/login": { default: loginPage.default, action: loginPage.action } },
      secret: "demo-auth-test-secret-0123456789",
      persistence: false,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
    }),
  );
  auth.attach(app);
  const l = await app.listen(0);
  try {
    const base = `http://127.0.0.1:${l.port}`;
    const page = await fetch(`${base}/login`);
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const res = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({
        username: "demo",
        password: "demo-password",
        _csrf: csrf,
      }).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  } finally {
    await l.close();
    await auth.close();
  }
}

describe("the demo user", () => {
  it("signs in outside production mode (plain npm start included)", async () => {
    expect(await loginAsDemo({})).toBe(303);
    expect(await loginAsDemo({ NODE_ENV: "development" })).toBe(303);
  });

  it("does not exist with NODE_ENV=production", async () => {
    expect(await loginAsDemo({ NODE_ENV: "production" })).toBe(422);
  });
});
