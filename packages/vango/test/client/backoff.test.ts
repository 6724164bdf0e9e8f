import { describe, expect, it } from "vitest";
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from "../../src/client/backoff.ts";

describe("backoffDelay", () => {
  it("doubles from the base up to the cap (random fixed at 0.5)", () => {
    const half = () => 0.5;
    expect(Array.from({ length: 9 }, (_, i) => backoffDelay(i, half))).toEqual([
      125, 250, 500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
    expect(BACKOFF_BASE_MS).toBe(250);
    expect(BACKOFF_CAP_MS).toBe(10_000);
  });

  it("full jitter: anywhere in [0, min(cap, base·2^n))", () => {
    const max = () => 0.999999;
    const zero = () => 0;
    expect([0, 3, 6, 50].map((n) => backoffDelay(n, max))).toEqual([249, 1999, 9999, 9999]);
    expect([0, 6, 50].map((n) => backoffDelay(n, zero))).toEqual([0, 0, 0]);
  });

  it("uses Math.random by default, within bounds", () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(i % 10);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (i % 10)));
    }
  });
});
