/**
 * `h()` takes its children as separate arguments (one, two, three, or more: each count
 * has its own path) and must build exactly what JSX builds for the same children.
 */
import { describe, expect, it } from "vitest";
import { jsx } from "../../src/jsx-runtime.ts";
import { normalizeChildren } from "../../src/vdom/children.ts";
import { h } from "../../src/vdom/create-element.ts";
import { VdomError, VdomErrorCode } from "../../src/vdom/errors.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import { VKind, VNODE, type VNode } from "../../src/vdom/vnode.ts";

const text = (t: string) => ({ $$typeof: VNODE, kind: VKind.Text, text: t });
const b = h("b", null);
const i = h("i", { id: "x" });

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VdomError);
    return (e as VdomError).code;
  }
  throw new Error("expected a throw");
}

describe("h children", () => {
  const lists: unknown[][] = [
    [],
    ["a"],
    [b],
    ["Count: ", 3],
    [b, i],
    ["", false],
    [b, "x", 1n],
    [[b, "y"], null, "z"],
    ["a", b, "c", i],
    ["a", "b", "c", "d", "e"],
    [[["deep"]], undefined, true, [i, [b]]],
  ];

  it("builds what jsx builds, for any number of children", () => {
    for (const [n, kids] of lists.entries()) {
      const children = kids.length === 1 ? kids[0] : kids;
      expect(h("p", { class: "c" }, ...kids), `list ${n}`).toEqual(
        jsx("p", { class: "c", children }),
      );
    }
  });

  it("rest children override props.children, even a single undefined", () => {
    expect(h("p", { children: "x" })).toMatchObject({ children: [text("x")] });
    expect(h("p", { children: "x" }, undefined)).toMatchObject({ children: [] });
    expect(h("p", { children: "x" }, "y", "z")).toMatchObject({ children: [text("yz")] });
  });

  it("takes the key from props and keeps it out of the element's props", () => {
    expect(h("li", { key: 4, id: "a" }, "x", "y")).toMatchObject({
      key: 4,
      props: { id: "a" },
      children: [text("xy")],
    });
    expect(h("li", { key: "k" })).toMatchObject({ key: "k", props: {} });
    expect(h("li", null)).toMatchObject({ key: undefined, props: {}, children: [] });
  });

  it("gives a component one child as is and several as an array", () => {
    const C = () => null;
    expect(h(C, null, b)).toMatchObject({ props: { children: b } });
    expect(h(C, null, b, i)).toMatchObject({ props: { children: [b, i] } });
    expect(h(C, { n: 1 }, "a", b, "c", i)).toMatchObject({
      props: { n: 1, children: ["a", b, "c", i] },
    });
  });

  it("refuses a non-node object whatever the number of children", () => {
    const bad = { kind: VKind.Element };
    expect(codeOf(() => h("p", null, bad))).toBe(VdomErrorCode.invalidChild);
    expect(codeOf(() => h("p", null, "a", bad))).toBe(VdomErrorCode.invalidChild);
    expect(codeOf(() => h("p", null, "a", "b", bad))).toBe(VdomErrorCode.invalidChild);
    expect(codeOf(() => h("p", null, "a", "b", "c", bad))).toBe(VdomErrorCode.invalidChild);
    // A failed normalisation leaves nothing behind for the next one.
    expect(h("p", null, "a", b)).toMatchObject({ children: [text("a"), b] });
  });
});

describe("normalizeChildren", () => {
  it("returns single nodes as one-item lists and drops empty texts", () => {
    const r = raw(trustedHtml("<b>x</b>"));
    expect(normalizeChildren(b)).toEqual([b]);
    expect(normalizeChildren(r)).toEqual([r]);
    expect(normalizeChildren(text("t"))).toEqual([text("t")]);
    expect(normalizeChildren(text(""))).toEqual([]);
    expect(normalizeChildren("")).toEqual([]);
    expect(normalizeChildren(7)).toEqual([text("7")]);
  });

  it("normalises a list built while another list is being normalised", () => {
    const sneaky = {
      get $$typeof(): symbol {
        const inner: VNode[] = normalizeChildren(["in", "ner", b]);
        expect(inner).toEqual([text("inner"), b]);
        return VNODE;
      },
      kind: VKind.Element,
    };
    expect(normalizeChildren(["a", sneaky, "c"])).toEqual([text("a"), sneaky, text("c")]);
  });
});
