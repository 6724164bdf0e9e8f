/** Security headers and CORS on every response of a real app. */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { Counter } from "../fixtures.tsx";
import { getPage, type Running, start } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const NONCE = /'nonce-([A-Za-z0-9+/=]{24})'/;

describe("security headers", () => {
  it("puts a fresh CSP nonce on every page and on its client script", async () => {
    srv = await start({ routes: { "/": Counter } });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    const csp = a.headers.get("content-security-policy")!;
    const nonce = NONCE.exec(csp)![1]!;
    expect(a.html).toContain(`nonce="${nonce}"`);
    expect(NONCE.exec(b.headers.get("content-security-policy")!)![1]).not.toBe(nonce);
    expect(csp).toBe(
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:${srv.port}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`,
    );
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("x-frame-options")).toBe("DENY");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(a.headers.get("permissions-policy")).toBe(
      "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    expect(a.headers.get("strict-transport-security")).toBeNull();
  });

  it("sets them on errors and the client bundle too", async () => {
    srv = await start({ routes: { "/": Counter } });
    for (const path of ["/nope", "/_vango/client.0123abcd.js"]) {
      const res = await fetch(srv.base + path);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
    }
  });

  it("sends HSTS only on https (X-Forwarded-Proto believed only with trustProxy)", async () => {
    const get = (port: number) =>
      new Promise<string | undefined>((resolve, reject) => {
        const r = request(
          { host: "127.0.0.1", port, path: "/nope", headers: { "x-forwarded-proto": "https" } },
          (res) => {
            res.resume();
            resolve(res.headers["strict-transport-security"] as string | undefined);
          },
        );
        r.on("error", reject);
        r.end();
      });
    srv = await start({ routes: { "/": Counter } });
    expect(await get(srv.port)).toBeUndefined();
    await srv.close();
    srv = await start({ routes: { "/": Counter }, trustProxy: 1 });
    expect(await get(srv.port)).toBe("max-age=31536000; includeSubDomains");
  });

  it("securityHeaders: false sends none; options pass through", async () => {
    srv = await start({ routes: { "/": Counter }, securityHeaders: false });
    const p = await getPage(srv.base);
    expect(p.headers.get("content-security-policy")).toBeNull();
    expect(p.html).not.toContain("nonce=");
    await srv.close();
    srv = await start({ routes: { "/": Counter }, securityHeaders: { frame: "sameorigin" } });
    expect((await fetch(srv.base + "/nope")).headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});

describe("CORS allow-list", () => {
  it("answers preflights for listed origins only and echoes them on requests", async () => {
    srv = await start({
      routes: { "/": Counter },
      cors: { origins: ["https://admin.test"], credentials: true },
    });
    const pre = (origin: string) =>
      fetch(srv!.base + "/", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
    const ok = await pre("https://admin.test");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://admin.test");
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    const no = await pre("https://evil.test");
    expect([no.status, no.headers.get("access-control-allow-origin")]).toEqual([403, null]);
    expect((await no.json()).error.code).toBe("origin_forbidden");
    const get = await fetch(srv.base + "/", { headers: { origin: "https://admin.test" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("https://admin.test");
    expect(get.headers.get("vary")).toBe("Origin");
    const none = await fetch(srv.base + "/", { headers: { origin: "https://evil.test" } });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });
});
