import { describe, expect, it } from "vitest";
import { VdomError, VdomErrorCode } from "../../src/vdom/errors.ts";
import { on } from "../../src/vdom/event-binding.ts";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof VdomError ? e.code : "not a VdomError";
  }
  return undefined;
}

describe("on()", () => {
  const fn = () => {};

  it("fills every EventBinding field with defaults", () => {
    expect(on(fn)).toEqual({
      handler: fn,
      prevent: false,
      stop: false,
      debounce: 0,
      throttle: 0,
      keys: [],
    });
  });

  it("copies the modifiers", () => {
    const keys = ["Enter", "Escape"];
    const b = on(fn, { prevent: true, stop: true, debounce: 300, throttle: 50, keys });
    expect(b).toEqual({
      handler: fn,
      prevent: true,
      stop: true,
      debounce: 300,
      throttle: 50,
      keys: ["Enter", "Escape"],
    });
    keys.push("Tab");
    expect(b.keys).toEqual(["Enter", "Escape"]);
    expect(Object.isFrozen(b.keys)).toBe(true);
  });

  it("rejects delays that are negative, fractional or above one minute", () => {
    expect(codeOf(() => on(fn, { debounce: -1 }))).toBe(VdomErrorCode.invalidModifier);
    expect(codeOf(() => on(fn, { throttle: 1.5 }))).toBe(VdomErrorCode.invalidModifier);
    expect(codeOf(() => on(fn, { debounce: 60_001 }))).toBe(VdomErrorCode.invalidModifier);
    expect(codeOf(() => on(fn, { debounce: Number.NaN }))).toBe(VdomErrorCode.invalidModifier);
    expect(codeOf(() => on(fn, { debounce: 60_000, throttle: 0 }))).toBeUndefined();
  });
});
