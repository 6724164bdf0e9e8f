import { describe, expect, it } from "vitest";
import { jsxDEV } from "../../src/jsx-dev-runtime.ts";
import { Fragment, jsx, jsxs } from "../../src/jsx-runtime.ts";
import { h } from "../../src/vdom/create-element.ts";
import { VdomError, VdomErrorCode } from "../../src/vdom/errors.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import { type VChild, VKind, VNODE, type VNode } from "../../src/vdom/vnode.ts";

const text = (t: string) => ({ $$typeof: VNODE, kind: VKind.Text, text: t });

function Greeting(props: { name: string; children?: VChild }) {
  return <p>{props.name}</p>;
}

describe("JSX runtime: element shape", () => {
  it("builds a VElement with props minus children and key", () => {
    const n = (
      <a href="/x" class="c" key="k1">
        go
      </a>
    );
    expect(n).toEqual({
      $$typeof: VNODE,
      kind: VKind.Element,
      tag: "a",
      key: "k1",
      props: { href: "/x", class: "c" },
      children: [text("go")],
    });
  });

  it("keeps numeric keys and leaves key undefined when absent", () => {
    expect((<li key={3} />) as unknown).toMatchObject({ key: 3 });
    expect((<li />) as unknown).toMatchObject({ key: undefined, props: {}, children: [] });
  });

  it("takes key from props when passed through a spread", () => {
    const props = { key: "s", id: "i" };
    expect(jsx("div", props)).toEqual({
      $$typeof: VNODE,
      kind: VKind.Element,
      tag: "div",
      key: "s",
      props: { id: "i" },
      children: [],
    });
  });

  it("jsx, jsxs, jsxDEV and h build identical nodes", () => {
    const a = jsxs("ul", { class: "l", children: [jsx("li", { children: "a" }, 1), "b"] });
    const b = jsxDEV("ul", { class: "l", children: [jsxDEV("li", { children: "a" }, 1), "b"] });
    const c = h("ul", { class: "l" }, h("li", { key: 1 }, "a"), "b");
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });
});

describe("JSX runtime: children normalisation", () => {
  it("merges adjacent primitives into one text: Count: {n}", () => {
    const n = 3;
    expect(<p>Count: {n}</p>).toMatchObject({ children: [text("Count: 3")] });
  });

  it("merges across dropped values and flattened arrays, stops at elements", () => {
    const node = (
      <p>
        a{false}
        {null}
        {undefined}
        {true}
        {["b", [1n, 2]]}
        <b />
        {""}c{[]}
      </p>
    ) as { children: VNode[] };
    expect(node.children).toEqual([
      text("ab12"),
      { $$typeof: VNODE, kind: VKind.Element, tag: "b", key: undefined, props: {}, children: [] },
      text("c"),
    ]);
  });

  it("drops empty text runs entirely", () => {
    expect(<p>{""}</p>).toMatchObject({ children: [] });
    expect(h("p", null, "", [""], false)).toMatchObject({ children: [] });
  });

  it("flattens keyed lists from map()", () => {
    const items = ["x", "y"];
    const node = (
      <ul>
        {items.map((i) => (
          <li key={i}>{i}</li>
        ))}
      </ul>
    ) as { children: VNode[] };
    expect(node.children.map((c) => (c as { key?: unknown }).key)).toEqual(["x", "y"]);
  });

  it("merges a VText node with neighbouring primitives", () => {
    expect(h("p", null, "a", text("b"), 1)).toMatchObject({ children: [text("ab1")] });
  });

  it("rejects functions and plain objects as element children with invalid_child", () => {
    const bad = [() => 1, { a: 1 }, Symbol("s")];
    for (const child of bad) {
      let err: unknown;
      try {
        h("p", null, child);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VdomError);
      expect((err as VdomError).code).toBe(VdomErrorCode.invalidChild);
    }
  });
});

describe("JSX runtime: fragments, components, raw", () => {
  it("builds a keyed VFragment with normalised children", () => {
    expect(
      <Fragment key="f">
        x{1}
        <i />
      </Fragment>,
    ).toEqual({
      $$typeof: VNODE,
      kind: VKind.Fragment,
      key: "f",
      children: [
        text("x1"),
        { $$typeof: VNODE, kind: VKind.Element, tag: "i", key: undefined, props: {}, children: [] },
      ],
    });
    expect(<>a</>).toEqual({
      $$typeof: VNODE,
      kind: VKind.Fragment,
      key: undefined,
      children: [text("a")],
    });
  });

  it("builds a VComponent whose props keep children as given and drop key", () => {
    const kids = ["a", <b />];
    const n = (
      <Greeting name="n" key={5}>
        {kids}
      </Greeting>
    );
    expect(n).toEqual({
      $$typeof: VNODE,
      kind: VKind.Component,
      type: Greeting,
      key: 5,
      props: { name: "n", children: kids },
    });
    const viaH = h(Greeting, { name: "n" }, "one");
    expect(viaH).toMatchObject({ key: undefined, props: { name: "n", children: "one" } });
    expect(h(Greeting, { name: "n" }, "a", "b")).toMatchObject({
      props: { children: ["a", "b"] },
    });
  });

  it("raw() wraps trusted html; trustedHtml() brands strings only", () => {
    expect(<div>{raw(trustedHtml("<b>x</b>"))}</div>).toMatchObject({
      children: [{ $$typeof: VNODE, kind: VKind.Raw, html: "<b>x</b>" }],
    });
    expect(() => trustedHtml(1 as unknown as string)).toThrow(VdomError);
  });
});
