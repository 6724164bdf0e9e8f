import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  createNonce,
  isHttps,
  type SecurityHeadersOptions,
  securityHeaders,
} from "../../../src/server/security/security-headers.ts";

function run(
  opts: SecurityHeadersOptions,
  reqInit: { host?: string; encrypted?: boolean; proto?: string },
  nonce?: string,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const req = {
    headers: {
      ...(reqInit.host === undefined ? {} : { host: reqInit.host }),
      ...(reqInit.proto === undefined ? {} : { "x-forwarded-proto": reqInit.proto }),
    },
    socket: { encrypted: reqInit.encrypted },
  } as unknown as IncomingMessage;
  const res = {
    setHeader(name: string, value: string) {
      headers[name] = value;
      return res;
    },
  } as unknown as ServerResponse;
  securityHeaders(opts)(req, res, nonce);
  return headers;
}

describe("securityHeaders", () => {
  it("sets the default headers on plain HTTP (no HSTS, ws:// source)", () => {
    expect(run({}, { host: "localhost:3000" }, "abc123==")).toEqual({
      "content-security-policy":
        "default-src 'self'; script-src 'self' 'nonce-abc123=='; " +
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self' ws://localhost:3000; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "strict-origin-when-cross-origin",
      "cross-origin-opener-policy": "same-origin",
      "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    });
  });

  it("on HTTPS adds HSTS, wss:// and upgrade-insecure-requests", () => {
    const h = run({}, { host: "app.example.com", encrypted: true });
    expect(h["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(h["content-security-policy"]).toContain("script-src 'self'; style-src");
    expect(h["content-security-policy"]).toContain("connect-src 'self' wss://app.example.com;");
    expect(String(h["content-security-policy"]).endsWith("; upgrade-insecure-requests")).toBe(true);
  });

  it("trusts X-Forwarded-Proto only when configured", () => {
    expect(run({}, { host: "a.com", proto: "https" })["strict-transport-security"]).toBeUndefined();
    const h = run({ trustForwardedProto: true }, { host: "a.com", proto: "https, http" });
    expect(h["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(h["content-security-policy"]).toContain("wss://a.com");
  });

  it("HSTS modes: false never, true always, object with parameters", () => {
    expect(run({ hsts: false }, { encrypted: true })["strict-transport-security"]).toBeUndefined();
    expect(run({ hsts: true }, {})["strict-transport-security"]).toBe(
      "max-age=31536000; includeSubDomains",
    );
    expect(
      run(
        { hsts: { maxAgeSeconds: 60, includeSubDomains: false, preload: true } },
        { encrypted: true },
      )["strict-transport-security"],
    ).toBe("max-age=60; preload");
  });

  it("does not reflect a malformed Host into the policy", () => {
    for (const host of ["evil.com; script-src *", "a b", "x.com/path", "'self'"]) {
      const csp = String(run({}, { host })["content-security-policy"]);
      expect(csp).toContain("connect-src 'self'; object-src");
    }
    expect(run({}, { host: "[::1]:8080" })["content-security-policy"]).toContain(
      "connect-src 'self' ws://[::1]:8080;",
    );
  });

  it("merges directive overrides, removes with false, report-only and sameorigin framing", () => {
    const h = run(
      {
        csp: { "img-src": ["'self'", "https://cdn.example.com"], "font-src": false },
        cspReportOnly: true,
        frame: "sameorigin",
        permissionsPolicy: false,
        referrerPolicy: "no-referrer",
      },
      { host: "h" },
    );
    expect(h["content-security-policy"]).toBeUndefined();
    const csp = String(h["content-security-policy-report-only"]);
    expect(csp).toContain("img-src 'self' https://cdn.example.com; connect-src");
    expect(csp).not.toContain("font-src");
    expect(csp.endsWith("frame-ancestors 'self'")).toBe(true);
    expect(h["x-frame-options"]).toBe("SAMEORIGIN");
    expect(h["permissions-policy"]).toBeUndefined();
    expect(h["referrer-policy"]).toBe("no-referrer");
  });

  it("csp: false omits the policy but keeps the other headers", () => {
    const h = run({ csp: false }, { host: "h" });
    expect(h["content-security-policy"]).toBeUndefined();
    expect(h["x-content-type-options"]).toBe("nosniff");
  });

  it("createNonce returns 128-bit base64 values; isHttps reads the socket", () => {
    const a = createNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(a).not.toBe(createNonce());
    expect(
      isHttps({ headers: {}, socket: { encrypted: true } } as unknown as IncomingMessage),
    ).toBe(true);
  });
});
