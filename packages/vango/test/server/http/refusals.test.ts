/**
 * Regression (issue 10, defect 2): every HTTP refusal goes through one path — the
 * registry status, `X-Vango-Error`, an HTML page for browsers and JSON otherwise — and
 * the CSRF check runs before the method and the route are judged. (A POST without a
 * token and a 429 once answered JSON with no header, from a second `sendError`, and
 * `POST /` counted as `route="unmatched"`.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { ERRORS } from "../../../src/protocol/errors.ts";
import { Counter } from "../fixtures.tsx";
import { type Running, start } from "../helpers.ts";
import { sample } from "../metrics-text.ts";

const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const FORM = { "content-type": "application/x-www-form-urlencoded" };

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

async function refusal(res: Response) {
  const body = await res.text();
  return {
    status: res.status,
    code: res.headers.get("x-vango-error"),
    type: res.headers.get("content-type")?.split(";")[0],
    body,
  };
}

describe("one refusal path", () => {
  it("a POST without a CSRF token is 403 csrf_invalid on any path, before 404 or 405", async () => {
    srv = await start({ routes: { "/": Counter } });
    for (const path of ["/", "/nowhere", "/_vango/client.0123abcd.js"]) {
      const r = await refusal(
        await fetch(srv.base + path, {
          method: "POST",
          headers: { ...HTML, ...FORM },
          body: "a=1",
        }),
      );
      expect([path, r.status, r.code, r.type]).toEqual([path, 403, "csrf_invalid", "text/html"]);
      expect(r.body).toContain("<h1>403</h1>");
    }
  });

  it("answers JSON with the same header to non-browser callers", async () => {
    srv = await start({ routes: { "/": Counter } });
    const r = await refusal(await fetch(`${srv.base}/`, { method: "DELETE" }));
    expect([r.status, r.code, r.type]).toEqual([403, "csrf_invalid", "application/json"]);
    expect(JSON.parse(r.body)).toEqual({
      error: { code: "csrf_invalid", message: ERRORS.csrf_invalid.message },
    });
  });

  it("a 429 carries the header, Retry-After and an HTML page for browsers", async () => {
    srv = await start({
      routes: { "/": Counter },
      rateLimit: { perIp: { limit: 1, windowMs: 60_000 } },
    });
    await (await fetch(`${srv.base}/`, { headers: HTML })).text();
    const res = await fetch(`${srv.base}/`, { headers: HTML });
    const r = await refusal(res);
    expect([r.status, r.code, r.type]).toEqual([429, "rate_limited", "text/html"]);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("404 and 405 answer the same way", async () => {
    srv = await start({ routes: { "/": Counter }, csrf: false });
    const nf = await refusal(await fetch(`${srv.base}/missing`, { headers: HTML }));
    expect([nf.status, nf.code, nf.type]).toEqual([404, "not_found", "text/html"]);
    const res = await fetch(`${srv.base}/`, { method: "PUT", headers: HTML });
    const na = await refusal(res);
    expect([na.status, na.code, res.headers.get("allow")]).toEqual([
      405,
      "method_not_allowed",
      "GET, HEAD",
    ]);
  });

  it("a refused request to a route is labelled with the route in metrics", async () => {
    srv = await start({ routes: { "/": Counter, "/users/:id": Counter } });
    await fetch(`${srv.base}/`, { method: "POST", headers: FORM, body: "" });
    await fetch(`${srv.base}/users/7`, { method: "POST", headers: FORM, body: "" });
    const text = await srv.app.metrics!.metrics();
    const count = (route: string) =>
      sample(text, "vango_http_requests_total", `route="${route}",method="POST",status="403"`);
    expect([count("/"), count("/users/:id"), count("unmatched")]).toEqual([1, 1, undefined]);
  });
});
