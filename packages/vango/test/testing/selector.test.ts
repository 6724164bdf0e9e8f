import { describe, expect, it } from "vitest";
import { NodeKind } from "../../src/protocol/patch.ts";
import { parseSelector, pathTo, selectAll } from "../../src/testing/selector.ts";
import type { HElement, HNode } from "../../src/vdom/host.ts";

function el(
  tag: string,
  hid: number,
  attrs: Record<string, string>,
  children: HNode[] = [],
): HElement {
  return { kind: NodeKind.Element, tag, hid, attrs, children, key: undefined, handlers: null };
}

const tree = el("div", 1, { id: "vango-root" }, [
  el("form", 2, { id: "signup" }, [
    el("input", 3, { name: "email", type: "email" }),
    el("button", 4, { class: "btn primary", type: "submit" }, [
      { kind: NodeKind.Text, text: "Go" },
    ]),
  ]),
  el("button", 5, { class: "btn" }),
]);

const hids = (els: HElement[]) => els.map((e) => e.hid);

describe("selector", () => {
  it("matches tag, id, classes and attributes", () => {
    expect(hids(selectAll(tree, "button"))).toEqual([4, 5]);
    expect(hids(selectAll(tree, "#signup"))).toEqual([2]);
    expect(hids(selectAll(tree, ".btn.primary"))).toEqual([4]);
    expect(hids(selectAll(tree, "[type=submit]"))).toEqual([4]);
    expect(hids(selectAll(tree, 'input[name="email"]'))).toEqual([3]);
    expect(hids(selectAll(tree, "[type]"))).toEqual([3, 4]);
    expect(hids(selectAll(tree, "BUTTON.btn"))).toEqual([4, 5]);
  });

  it("matches descendants", () => {
    expect(hids(selectAll(tree, "form button"))).toEqual([4]);
    expect(hids(selectAll(tree, "#vango-root .btn"))).toEqual([4, 5]);
    expect(hids(selectAll(tree, "form #vango-root"))).toEqual([]);
  });

  it("rejects unsupported syntax", () => {
    expect(() => parseSelector("a > b")).toThrow(SyntaxError);
    expect(() => parseSelector("a:hover")).toThrow(SyntaxError);
    expect(() => parseSelector("")).toThrow(SyntaxError);
  });

  it("finds the ancestor path of a hid", () => {
    expect(hids(pathTo(tree, 4))).toEqual([1, 2, 4]);
    expect(pathTo(tree, 99)).toEqual([]);
  });
});
