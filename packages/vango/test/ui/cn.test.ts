/** `cn()` and `ids()` of the VangoUI registry: what components merge their classes with. */
import { describe, expect, test } from "vitest";
import { cn, ids } from "../../registry/ui/cn.ts";
import { variantClasses } from "../../registry/ui/variants.ts";

describe("cn", () => {
  test("joins strings, arrays and condition records, skipping falsy parts", () => {
    expect(cn("a", ["b", ["c", false]], { d: true, e: false, f: null }, null, undefined, "")).toBe(
      "a b c d",
    );
  });

  test("drops repeated names, keeping the first position, and splits on whitespace", () => {
    expect(cn("vui-btn  extra", ["vui-btn", "x"], "extra\ty")).toBe("vui-btn extra x y");
  });

  test("numbers count as names; nothing gives the empty string", () => {
    expect(cn(1, "a")).toBe("1 a");
    expect(cn()).toBe("");
    expect(cn(false, null, [])).toBe("");
  });
});

describe("ids", () => {
  test("space-joins the given ids, undefined when none", () => {
    expect(ids("a", undefined, "", false, "b")).toBe("a b");
    expect(ids(undefined, null)).toBeUndefined();
  });
});

test("variantClasses names the BEM modifiers", () => {
  expect(variantClasses("vui-btn", "outline", "sm")).toEqual(["vui-btn--outline", "vui-btn--sm"]);
  expect(variantClasses("vui-badge", "secondary")).toEqual(["vui-badge--secondary"]);
});
