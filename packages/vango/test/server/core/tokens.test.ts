import { describe, expect, it } from "vitest";
import { isTokenShaped, randomToken } from "../../../src/server/core/tokens.ts";

describe("tokens", () => {
  it("are 144-bit base64url and unique", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = randomToken();
      expect(isTokenShaped(t)).toBe(true);
      expect(Buffer.from(t, "base64url").length).toBe(18);
      seen.add(t);
    }
    expect(seen.size).toBe(1000);
    expect(isTokenShaped("a".repeat(23))).toBe(false);
    expect(isTokenShaped("a".repeat(23) + "=")).toBe(false);
  });
});
