import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import { sendRefusal } from "../../../src/server/core/http-error.ts";
import { appendVary, canonicalOrigin, cors } from "../../../src/server/security/cors.ts";

let base = "";
const server = createServer((req, res) => {
  if (req.url === "/vary") {
    res.setHeader("vary", "Accept-Encoding");
    appendVary(res, "origin", "Cookie");
    res.end();
    return;
  }
  const check = cors({
    origins: ["https://app.example.com", "http://localhost:3000", "https://bücher.example"],
    credentials: true,
    maxAgeSeconds: 60,
  });
  const outcome = check(req, res);
  if (outcome === "answered") return;
  if (outcome !== undefined) return sendRefusal(res, outcome);
  res.end("ok");
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const code = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe("cors", () => {
  it("echoes an allowed origin on simple requests with Vary: Origin", async () => {
    const res = await fetch(`${base}/`, { headers: { origin: "https://app.example.com" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toBe(
      "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy",
    );
    expect(res.headers.get("vary")).toBe("Origin");
  });

  it("adds no CORS headers for other origins, null, look-alikes, or no Origin", async () => {
    for (const origin of [
      "https://evil.com",
      "null",
      "https://app.example.com.evil.com",
      "http://app.example.com",
      "https://app.example.com:8443",
      "http://localhost:3001",
    ]) {
      const res = await fetch(`${base}/`, { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("vary")).toBe("Origin");
    }
    const none = await fetch(`${base}/`);
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
    expect(none.headers.get("vary")).toBe("Origin");
  });

  it("matches IDN origins in their serialised (punycode) form", async () => {
    const res = await fetch(`${base}/`, { headers: { origin: "https://xn--bcher-kva.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://xn--bcher-kva.example");
  });

  it("answers an allowed preflight with 204 and the policy", async () => {
    const res = await fetch(`${base}/api`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "content-type, x-csrf-token",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(res.headers.get("access-control-allow-methods")).toBe(
      "GET, HEAD, POST, PUT, PATCH, DELETE",
    );
    expect(res.headers.get("access-control-allow-headers")).toBe(
      "content-type, authorization, x-csrf-token, x-request-id",
    );
    expect(res.headers.get("access-control-max-age")).toBe("60");
    expect(res.headers.get("vary")).toBe(
      "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    );
  });

  it("refuses preflights from other origins, for other methods or headers, with codes", async () => {
    const bad = await fetch(`${base}/api`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.com", "access-control-request-method": "POST" },
    });
    expect(bad.status).toBe(403);
    expect(await code(bad)).toBe(ErrorCode.origin_forbidden);
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
    const method = await fetch(`${base}/api`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "TRACE" },
    });
    expect(method.status).toBe(405);
    expect(await code(method)).toBe(ErrorCode.method_not_allowed);
    const header = await fetch(`${base}/api`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-evil",
      },
    });
    expect(header.status).toBe(403);
    expect(await code(header)).toBe(ErrorCode.forbidden);
  });

  it("treats OPTIONS without Access-Control-Request-Method as a normal request", async () => {
    const res = await fetch(`${base}/api`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("appendVary merges without duplicates", async () => {
    const res = await fetch(`${base}/vary`);
    expect(res.headers.get("vary")).toBe("Accept-Encoding, origin, Cookie");
  });

  it("only accepts exact http(s) origins in the allow-list", () => {
    expect(canonicalOrigin("https://EXAMPLE.com:443")).toBe("https://example.com");
    expect(canonicalOrigin("https://example.com/")).toBe("https://example.com");
    for (const bad of [
      "*",
      "null",
      "example.com",
      "https://a.com/path",
      "ftp://a.com",
      "https://u:p@a.com",
      "https://a.com?x",
    ]) {
      expect(canonicalOrigin(bad)).toBeUndefined();
      expect(() => cors({ origins: [bad] })).toThrow(RangeError);
    }
  });
});
