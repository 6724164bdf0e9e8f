import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isOriginAllowed, OriginPolicy } from "../../../src/server/security/origin.ts";

function req(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}
const ok = (host: string, origin: string, allow: readonly string[] = [], https = false) =>
  isOriginAllowed(req({ host, origin }), allow, https);

describe("isOriginAllowed", () => {
  it("accepts the same host and port, refuses other hosts", () => {
    expect(ok("a.test:8080", "http://a.test:8080")).toBe(true);
    expect(ok("a.test:8080", "http://b.test:8080")).toBe(false);
    expect(ok("a.test", "http://a.test.evil.test")).toBe(false);
    expect(ok("a.test.evil.test", "http://a.test")).toBe(false);
  });

  it("compares ports after default-port normalisation", () => {
    expect(ok("a.test", "http://a.test:8080")).toBe(false);
    expect(ok("a.test:8080", "http://a.test")).toBe(false);
    expect(ok("a.test:443", "https://a.test")).toBe(true);
    expect(ok("a.test", "https://a.test:443")).toBe(true);
    expect(ok("a.test:80", "http://a.test")).toBe(true);
    expect(ok("a.test:443", "http://a.test")).toBe(false);
  });

  it("is case-insensitive on the host and compares IDNs by their punycode form", () => {
    expect(ok("A.Test", "http://a.test")).toBe(true);
    expect(ok("xn--bcher-kva.example", "https://xn--bcher-kva.example")).toBe(true);
    expect(ok("bücher.example", "https://xn--bcher-kva.example")).toBe(true);
    expect(ok("xn--bcher-kva.example", "https://bücher.example")).toBe(true);
    expect(ok("bucher.example", "https://xn--bcher-kva.example")).toBe(false);
  });

  it("compares IPv6 literals", () => {
    expect(ok("[::1]:3000", "http://[::1]:3000")).toBe(true);
    expect(ok("[::1]:3000", "http://[::2]:3000")).toBe(false);
  });

  it("refuses missing, empty, null, non-http and malformed origins", () => {
    expect(isOriginAllowed(req({ host: "a.test" }), [])).toBe(false);
    expect(ok("a.test", "")).toBe(false);
    expect(ok("a.test", "null")).toBe(false);
    expect(ok("a.test", "file://a.test")).toBe(false);
    expect(ok("a.test", "ws://a.test")).toBe(false);
    expect(ok("a.test", "::")).toBe(false);
    expect(ok("a.test", "http://user@a.test")).toBe(false);
    expect(ok("a.test", "http://a.test/path")).toBe(false);
  });

  it("refuses a missing or malformed Host header", () => {
    expect(isOriginAllowed(req({ origin: "http://a.test" }), [])).toBe(false);
    expect(ok("a.test/x", "http://a.test")).toBe(false);
    expect(ok("evil@a.test", "http://a.test")).toBe(false);
  });

  it("refuses an http: origin on an https request (downgrade)", () => {
    expect(ok("a.test", "http://a.test", [], true)).toBe(false);
    expect(ok("a.test", "https://a.test", [], true)).toBe(true);
  });

  it("accepts allow-listed origins, canonicalised", () => {
    expect(ok("api.test", "https://app.test", ["https://app.test"])).toBe(true);
    expect(ok("api.test", "https://app.test", ["http://app.test"])).toBe(false);
    expect(ok("api.test", "https://app.test", ["https://APP.test:443/"])).toBe(true);
    expect(ok("api.test", "https://xn--bcher-kva.example", ["https://bücher.example"])).toBe(true);
    expect(ok("api.test", "https://app.test:8443", ["https://app.test"])).toBe(false);
  });

  it("treats * as allow-all and refuses malformed allow-list entries at construction", () => {
    expect(ok("api.test", "https://anything.test", ["*"])).toBe(true);
    expect(new OriginPolicy(["*"]).any).toBe(true);
    expect(() => new OriginPolicy(["app.test"])).toThrow(RangeError);
    expect(() => new OriginPolicy(["https://app.test/path"])).toThrow(RangeError);
  });
});
