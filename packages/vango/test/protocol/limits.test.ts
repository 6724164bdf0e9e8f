import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIMITS,
  HARD_MAX_DEPTH,
  HARD_MAX_STRING,
  resolveLimits,
} from "../../src/protocol/limits.ts";

describe("resolveLimits", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxString: 4 * 1024 * 1024,
      maxItems: 100_000,
      maxVNodeDepth: 256,
      maxPatchDepth: 128,
      maxHookDepth: 64,
      maxFrameBytes: 16 * 1024 * 1024,
    });
  });

  it("fills defaults and clamps to the hard caps", () => {
    const l = resolveLimits({ maxString: 1e10, maxVNodeDepth: 1e9, maxItems: 10 });
    expect(l.maxString).toBe(HARD_MAX_STRING);
    expect(l.maxVNodeDepth).toBe(HARD_MAX_DEPTH);
    expect(l.maxItems).toBe(10);
    expect(l.maxHookDepth).toBe(64);
  });

  it("turns negative and NaN into 0", () => {
    const l = resolveLimits({ maxString: -5, maxItems: Number.NaN });
    expect(l.maxString).toBe(0);
    expect(l.maxItems).toBe(0);
  });

  it("returns already-resolved limits as they are", () => {
    const l = resolveLimits({ maxFrameBytes: 1024 });
    expect(resolveLimits(l)).toBe(l);
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
  });
});
