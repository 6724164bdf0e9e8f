import { describe, expect, it } from "vitest";
import { formFields } from "../../src/vdom/events.ts";

describe("formFields", () => {
  const f = formFields([
    ["email", "a@b.c"],
    ["tag", "x"],
    ["tag", "y"],
  ]);

  it("is the pair list in document order, repeated names kept", () => {
    expect([...f]).toEqual([
      ["email", "a@b.c"],
      ["tag", "x"],
      ["tag", "y"],
    ]);
    expect(f.length).toBe(3);
  });

  it("get() returns the first value or null; getAll() every value", () => {
    expect(f.get("tag")).toBe("x");
    expect(f.get("none")).toBeNull();
    expect(f.getAll("tag")).toEqual(["x", "y"]);
    expect(f.getAll("none")).toEqual([]);
  });

  it("is frozen, entries included, and does not alias its input", () => {
    const input: [string, string][] = [["a", "1"]];
    const g = formFields(input);
    input[0]![1] = "2";
    expect(g.get("a")).toBe("1");
    expect(Object.isFrozen(g)).toBe(true);
    expect(Object.isFrozen(g[0])).toBe(true);
  });
});
