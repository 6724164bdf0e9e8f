/** The double-submit CSRF check on unsafe HTTP methods, over real HTTP. */
import { afterEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { HttpMiddleware } from "../../../src/server/core/middleware.ts";
import { formBody } from "../../../src/server/security/csrf.ts";
import { Counter } from "../fixtures.tsx";
import { getPage, type Running, start } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** POST /api/echo answers 200 with what it received (form body when the check read it). */
const echo: HttpMiddleware = async (ctx, next) => {
  if (ctx.path !== "/api/echo") return next();
  const body = formBody(ctx.req)?.toString() ?? "";
  ctx.res.writeHead(200, { "content-type": "text/plain" });
  ctx.res.end(`ok ${ctx.req.method} ${body}`);
};

async function post(path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(srv!.base + path, { method: "POST", headers, body });
  const text = await res.text();
  return { status: res.status, code: res.headers.get("x-vango-error"), text };
}

const codeOf = (text: string) => (JSON.parse(text) as { error: { code: string } }).error.code;

describe("HTTP CSRF double-submit check", () => {
  it("accepts the session's token in X-CSRF-Token for every unsafe method", async () => {
    srv = await start({ routes: { "/": Counter }, httpMiddleware: [echo] });
    const p = await getPage(srv.base);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await fetch(`${srv.base}/api/echo`, {
        method,
        headers: { cookie: p.cookie, "x-csrf-token": p.csrf },
      });
      expect([res.status, await res.text()]).toEqual([200, `ok ${method} `]);
    }
  });

  it("refuses a missing token with 403 csrf_invalid (JSON body)", async () => {
    srv = await start({ routes: { "/": Counter }, httpMiddleware: [echo] });
    const p = await getPage(srv.base);
    const r = await post("/api/echo", { cookie: p.cookie });
    expect(r.status).toBe(403);
    expect(codeOf(r.text)).toBe(ErrorCode.csrf_invalid);
    const noCookie = await post("/api/echo", { "x-csrf-token": p.csrf });
    expect([noCookie.status, codeOf(noCookie.text)]).toEqual([403, "csrf_invalid"]);
  });

  it("refuses a forged token and another session's token", async () => {
    srv = await start({ routes: { "/": Counter }, httpMiddleware: [echo] });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    const forged = `${a.csrf.slice(0, -2)}AA`;
    expect((await post("/api/echo", { cookie: a.cookie, "x-csrf-token": forged })).status).toBe(
      403,
    );
    const other = await post("/api/echo", { cookie: a.cookie, "x-csrf-token": b.csrf });
    expect([other.status, codeOf(other.text)]).toEqual([403, "csrf_invalid"]);
    const short = await post("/api/echo", { cookie: a.cookie, "x-csrf-token": "x" });
    expect(short.status).toBe(403);
  });

  it("accepts the token as an urlencoded _csrf field and hands the body on", async () => {
    srv = await start({ routes: { "/": Counter }, httpMiddleware: [echo] });
    const p = await getPage(srv.base);
    const form = `title=hi&_csrf=${encodeURIComponent(p.csrf)}`;
    const type = { "content-type": "application/x-www-form-urlencoded", cookie: p.cookie };
    expect(await post("/api/echo", type, form)).toEqual({
      status: 200,
      code: null,
      text: `ok POST ${form}`,
    });
    const bad = await post("/api/echo", type, "title=hi&_csrf=nope");
    expect(bad.status).toBe(403);
    const json = await post(
      "/api/echo",
      { "content-type": "application/json", cookie: p.cookie },
      JSON.stringify({ _csrf: p.csrf }),
    );
    expect(json.status).toBe(403);
  });

  it("refuses an oversized form body as payload_too_large", async () => {
    srv = await start({
      routes: { "/": Counter },
      httpMiddleware: [echo],
      csrf: { maxFormBytes: 1024 },
    });
    const p = await getPage(srv.base);
    const r = await post(
      "/api/echo",
      { "content-type": "application/x-www-form-urlencoded", cookie: p.cookie },
      `a=${"x".repeat(4096)}&_csrf=${p.csrf}`,
    );
    expect([r.status, codeOf(r.text)]).toEqual([413, "payload_too_large"]);
  });

  it("skips exempt paths and safe methods; csrf: false turns it off", async () => {
    srv = await start({
      routes: { "/": Counter },
      httpMiddleware: [echo],
      csrf: { exemptPaths: ["/api/"] },
    });
    expect((await post("/api/echo", {})).status).toBe(200);
    await srv.close();
    srv = await start({ routes: { "/": Counter }, httpMiddleware: [echo], csrf: false });
    expect((await post("/api/echo", {})).status).toBe(200);
    expect((await fetch(`${srv.base}/api/echo`)).status).toBe(200);
  });
});
