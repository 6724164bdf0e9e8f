import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isOriginAllowed } from "../../src/server/origin.ts";

function req(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe("isOriginAllowed", () => {
  it("accepts same host, refuses others", () => {
    expect(isOriginAllowed(req({ host: "a.test:8080", origin: "http://a.test:8080" }), [])).toBe(
      true,
    );
    expect(isOriginAllowed(req({ host: "a.test:8080", origin: "http://b.test:8080" }), [])).toBe(
      false,
    );
    expect(isOriginAllowed(req({ host: "a.test", origin: "http://a.test:8080" }), [])).toBe(false);
  });

  it("refuses missing, null and non-http origins", () => {
    expect(isOriginAllowed(req({ host: "a.test" }), [])).toBe(false);
    expect(isOriginAllowed(req({ host: "a.test", origin: "null" }), [])).toBe(false);
    expect(isOriginAllowed(req({ host: "a.test", origin: "file://a.test" }), [])).toBe(false);
    expect(isOriginAllowed(req({ host: "a.test", origin: "::" }), [])).toBe(false);
  });

  it("accepts an allow-listed origin", () => {
    const r = req({ host: "api.test", origin: "https://app.test" });
    expect(isOriginAllowed(r, ["https://app.test"])).toBe(true);
    expect(isOriginAllowed(r, ["http://app.test"])).toBe(false);
  });
});
