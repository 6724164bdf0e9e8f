/**
 * The demo as `npm start` runs it, twice, with the same `REDIS_URL`, `DATABASE_URL` and
 * `VANGO_SECRET`: a login on one process is a sign-in on the other, a logout on one is
 * refused on the other, the audit table was migrated at start and fills with the
 * request ids the client saw. Redis keys of the demo's own prefix; Postgres in a schema
 * of its own (dropped after).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestSchema, testSchema } from "../../../packages/vango/test/data/pg-schema.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";

let schema: TestSchema;
const demos: DemoProcess[] = [];
beforeAll(async () => {
  schema = await testSchema("demo_auth");
});
afterAll(async () => {
  for (const d of demos) {
    d.child.kill("SIGTERM");
    await d.exited;
  }
  await schema.drop();
});

/** A cookie jar over fetch (no redirects followed). */
class Jar {
  readonly cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, value] = pair!.split("=") as [string, string];
      if (attrs.some((a) => a.trim() === "Max-Age=0")) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  async login(base: string): Promise<Response> {
    const page = await (await this.fetch(`${base}/login?next=%2Faccount`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    return this.fetch(`${base}/login?next=%2Faccount`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        username: "demo",
        password: "demo-password",
        _csrf: csrf,
      }).toString(),
    });
  }
}

describe("two demo processes on one Redis and one Postgres", () => {
  it("sign in on one, signed in on the other; sign out on one, refused on the other; audit rows with request ids", async () => {
    const env = {
      REDIS_URL: "redis://127.0.0.1:6379",
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3D${schema.name}`,
      VANGO_SECRET: randomBytes(24).toString("base64url"),
    };
    const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
    demos.push(a!, b!);
    const jar = new Jar();
    const login = await jar.login(a!.base);
    expect([login.status, login.headers.get("location")]).toEqual([303, "/account"]);
    const onB = await jar.fetch(`${b!.base}/account`);
    expect(onB.status).toBe(200);
    expect(await onB.text()).toMatch(/data-testid="account-name"[^>]*>demo</);
    const kept = [...jar.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const account = await (await jar.fetch(`${a!.base}/account`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(account)![1]!;
    const logout = await jar.fetch(`${a!.base}/logout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect([logout.status, logout.headers.get("location")]).toEqual([303, "/login"]);
    const replay = await fetch(`${b!.base}/account`, {
      redirect: "manual",
      headers: { cookie: kept, accept: "text/html" },
    });
    expect([replay.status, replay.headers.get("location")]).toEqual([
      302,
      "/login?next=%2Faccount",
    ]);

    const pool = schema.pool();
    const deadline = Date.now() + 10_000;
    let rows: { action: string; request_id: string }[] = [];
    while (Date.now() < deadline) {
      rows = (await pool.query("SELECT action, request_id FROM audit_events ORDER BY id")).rows;
      // Each process flushes its audit queue on its own timer (1 s).
      const seen = new Set(rows.map((r) => r.action));
      if (["login.success", "logout", "guard.refused"].every((a) => seen.has(a))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: "login.success", request_id: login.headers.get("x-request-id") },
        { action: "logout", request_id: logout.headers.get("x-request-id") },
        { action: "guard.refused", request_id: replay.headers.get("x-request-id") },
      ]),
    );
  }, 60_000);
});
