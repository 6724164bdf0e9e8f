/** Field names ↔ paths, parsing submitted fields, and the value helpers. */
import { describe, expect, test } from "vitest";
import { FormError } from "../../src/forms/form-error.ts";
import {
  formatPath,
  getAt,
  parseFormFields,
  parsePath,
  sameValue,
  setAt,
  toFormValues,
  toSubmission,
} from "../../src/forms/form-values.ts";
import { formFields } from "../../src/vdom/events.ts";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormError) return e.code;
    throw e;
  }
  throw new Error("expected a FormError");
}

describe("field names", () => {
  test("parse into paths and format back", () => {
    expect(parsePath("title")).toEqual(["title"]);
    expect(parsePath("a.b.c")).toEqual(["a", "b", "c"]);
    expect(parsePath("tasks[12].title")).toEqual(["tasks", 12, "title"]);
    expect(parsePath("m[0][1]")).toEqual(["m", 0, 1]);
    expect(formatPath(["tasks", 12, "title"])).toBe("tasks[12].title");
    expect(formatPath(["m", 0, 1])).toBe("m[0][1]");
    for (const bad of [
      "",
      ".a",
      "a.",
      "a..b",
      "a[x]",
      "a[01]",
      "a[",
      "a]",
      "a[]",
      "__proto__",
      "a.__proto__.b",
    ]) {
      expect(parsePath(bad), bad).toBeNull();
    }
    expect(parsePath(Array.from({ length: 40 }, () => "a").join("."))).toBeNull();
  });
});

describe("parseFormFields", () => {
  test("nests objects and arrays, appends with [], turns repeated names into arrays", () => {
    const values = parseFormFields(
      formFields([
        ["title", "Trip"],
        ["owner.name", "Ada"],
        ["owner.email", ""],
        ["tasks[0].title", "Pack"],
        ["tasks[0].done", "on"],
        ["tasks[1].title", "Go"],
        ["tags[]", "x"],
        ["tags[]", "y"],
        ["pick", "a"],
        ["pick", "b"],
      ]),
    );
    expect(values).toEqual({
      title: "Trip",
      owner: { name: "Ada", email: "" },
      tasks: [{ title: "Pack", done: "on" }, { title: "Go" }],
      tags: ["x", "y"],
      pick: ["a", "b"],
    });
  });

  test("reads URLSearchParams (an urlencoded POST body) the same way", () => {
    const body = new URLSearchParams("title=Trip&tasks%5B0%5D.title=Pack&tags%5B%5D=x");
    expect(parseFormFields(body)).toEqual({
      title: "Trip",
      tasks: [{ title: "Pack" }],
      tags: ["x"],
    });
  });

  test("refuses bad and clashing names with form_invalid_name, big indexes with form_index_too_large", () => {
    expect(codeOf(() => parseFormFields([["a..b", "1"]]))).toBe("form_invalid_name");
    expect(codeOf(() => parseFormFields([["__proto__.polluted", "1"]]))).toBe("form_invalid_name");
    expect(
      codeOf(() =>
        parseFormFields([
          ["a", "1"],
          ["a.b", "2"],
        ]),
      ),
    ).toBe("form_invalid_name");
    expect(
      codeOf(() =>
        parseFormFields([
          ["a.b", "1"],
          ["a[0]", "2"],
        ]),
      ),
    ).toBe("form_invalid_name");
    expect(codeOf(() => parseFormFields([["t[1001]", "x"]]))).toBe("form_index_too_large");
    expect(parseFormFields([["t[5]", "x"]], { maxIndex: 5 }).t).toHaveLength(6);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(new FormError("form_invalid_name").status).toBe(400);
  });
});

describe("value helpers", () => {
  test("toFormValues writes typed values as the browser would submit them", () => {
    expect(
      toFormValues({
        title: "x",
        count: 3,
        big: 10n,
        done: true,
        off: false,
        none: null,
        at: new Date(0),
        tasks: [{ title: "a", done: false }],
      }),
    ).toEqual({
      title: "x",
      count: "3",
      big: "10",
      done: "on",
      at: "1970-01-01T00:00:00.000Z",
      tasks: [{ title: "a" }],
    });
  });

  test("toSubmission drops empty strings, keeping array positions", () => {
    expect(toSubmission({ a: "", b: "x", list: ["", "y"], o: { c: "" } })).toEqual({
      b: "x",
      list: [undefined, "y"],
      o: {},
    });
  });

  test("setAt copies along the path only; getAt reads; undefined removes a key", () => {
    const v = { a: { b: "1" }, keep: { c: "2" }, list: ["x"] };
    const w = setAt(v, ["a", "b"], "3");
    expect(w).toEqual({ a: { b: "3" }, keep: { c: "2" }, list: ["x"] });
    expect(w.keep).toBe(v.keep);
    expect(v.a.b).toBe("1");
    expect(getAt(setAt(v, ["list", 2], "z"), ["list"])).toEqual(["x", undefined, "z"]);
    expect(setAt(v, ["a", "b"], undefined)).toEqual({ a: {}, keep: { c: "2" }, list: ["x"] });
    expect(getAt(v, ["a", "b", "c"])).toBeUndefined();
    expect(sameValue({ a: ["1", { b: "2" }] }, { a: ["1", { b: "2" }] })).toBe(true);
    expect(sameValue({ a: ["1"] }, { a: ["1", "2"] })).toBe(false);
  });
});
