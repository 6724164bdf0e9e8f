import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIp, compileTrustList, normalizeIp } from "../../../src/server/security/client-ip.ts";

function req(remoteAddress: string | undefined, xff?: string | string[]): IncomingMessage {
  const headers: Record<string, string | string[]> = {};
  if (xff !== undefined) headers["x-forwarded-for"] = xff;
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("clientIp", () => {
  it("ignores X-Forwarded-For unless trustProxy is configured", () => {
    const r = req("10.0.0.2", "6.6.6.6");
    expect(clientIp(r)).toBe("10.0.0.2");
    expect(clientIp(r, { trustProxy: false })).toBe("10.0.0.2");
    expect(clientIp(r, { trustProxy: 0 })).toBe("10.0.0.2");
    expect(clientIp(r, { trustProxy: [] })).toBe("10.0.0.2");
  });

  it("normalises IPv4-mapped socket addresses", () => {
    expect(clientIp(req("::ffff:127.0.0.1"))).toBe("127.0.0.1");
    expect(clientIp(req("::1"))).toBe("::1");
    expect(clientIp(req(undefined))).toBe("");
  });

  it("takes the entry N hops from the right with a hop count", () => {
    const r = req("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.9");
    expect(clientIp(r, { trustProxy: 1 })).toBe("10.0.0.9");
    expect(clientIp(r, { trustProxy: 2 })).toBe("1.2.3.4");
    expect(clientIp(r, { trustProxy: 3 })).toBe("6.6.6.6");
    expect(clientIp(r, { trustProxy: 9 })).toBe("6.6.6.6");
    expect(clientIp(req("10.0.0.2"), { trustProxy: 1 })).toBe("10.0.0.2");
  });

  it("joins repeated X-Forwarded-For headers in order", () => {
    const r = req("10.0.0.2", ["6.6.6.6", "1.2.3.4"]);
    expect(clientIp(r, { trustProxy: 1 })).toBe("1.2.3.4");
    expect(clientIp(r, { trustProxy: 2 })).toBe("6.6.6.6");
  });

  it("walks trusted proxies from the right and stops at the first untrusted address", () => {
    const trustProxy = ["10.0.0.0/8", "2001:db8::/32"];
    // A spoofed leftmost entry sent by the client is never reached.
    const r = req("10.0.0.2", "9.9.9.9, 203.0.113.7, 10.1.1.1");
    expect(clientIp(r, { trustProxy })).toBe("203.0.113.7");
    expect(clientIp(req("203.0.113.50", "9.9.9.9"), { trustProxy })).toBe("203.0.113.50");
    expect(
      clientIp(req("2001:db8::1", "[2001:db8::5]:443, 198.51.100.1:5555"), { trustProxy }),
    ).toBe("198.51.100.1");
    expect(clientIp(req("10.0.0.2", "10.0.0.3"), { trustProxy })).toBe("10.0.0.3");
  });

  it("supports preset names", () => {
    const r = req("127.0.0.1", "198.51.100.1, 192.168.1.10");
    expect(clientIp(r, { trustProxy: ["loopback", "uniquelocal"] })).toBe("198.51.100.1");
    expect(clientIp(r, { trustProxy: ["loopback"] })).toBe("192.168.1.10");
  });

  it("returns the last trusted hop when the forwarded claim is not an IP", () => {
    expect(clientIp(req("10.0.0.2", "1.2.3.4, garbage"), { trustProxy: 2 })).toBe("10.0.0.2");
    expect(clientIp(req("10.0.0.2", "unknown"), { trustProxy: ["10.0.0.0/8"] })).toBe("10.0.0.2");
    expect(clientIp(req("10.0.0.2", "1.2.3.4, 10.0.0.1, "), { trustProxy: 1 })).toBe("10.0.0.2");
  });

  it("rejects bad trust entries", () => {
    expect(() => compileTrustList(["10.0.0.0/33"])).toThrow(RangeError);
    expect(() => compileTrustList(["example.com"])).toThrow(RangeError);
    expect(() => compileTrustList(["::/129"])).toThrow(RangeError);
  });

  it("normalizeIp handles ports, brackets and junk", () => {
    expect(normalizeIp("1.2.3.4:80")).toBe("1.2.3.4");
    expect(normalizeIp("[::1]:80")).toBe("::1");
    expect(normalizeIp(" ::FFFF:10.0.0.1 ")).toBe("10.0.0.1");
    expect(normalizeIp("1.2.3")).toBeUndefined();
    expect(normalizeIp("[::1")).toBeUndefined();
  });
});
