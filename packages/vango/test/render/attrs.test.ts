import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodeListeners } from "../../src/protocol/dom-attrs.ts";
import { normalizeProps, toBinding } from "../../src/render/attrs.ts";
import { attrsToString, propsToAttrs, textareaValue } from "../../src/render/ssr-attrs.ts";
import type { EventBinding } from "../../src/vdom/host.ts";
import type { Props } from "../../src/vdom/vnode.ts";

const fn = () => {};

function binding(over: Partial<EventBinding> = {}): EventBinding {
  return { handler: fn, prevent: false, stop: false, debounce: 0, throttle: 0, keys: [], ...over };
}

describe("normalizeProps: skipped props", () => {
  test("children, key, ref are never attributes", () => {
    expect(normalizeProps("div", { children: "x", key: 1, ref: {}, id: "a" })).toEqual({
      attrs: { id: "a" },
      handlers: null,
    });
  });

  test("user data-hid / data-on (any case) are dropped", () => {
    const n = normalizeProps("div", { "data-hid": "9", "DATA-ON": "click", "data-x": "1" });
    expect(n.attrs).toEqual({ "data-x": "1" });
  });

  test("dangerouslySetInnerHTML and srcdoc are dropped", () => {
    const n = normalizeProps("iframe", {
      dangerouslySetInnerHTML: { __html: "<b>x</b>" },
      srcdoc: "<script>alert(1)</script>",
      title: "t",
    });
    expect(n.attrs).toEqual({ title: "t" });
  });
});

describe("normalizeProps: values", () => {
  test("booleans, null, undefined, numbers, bigint", () => {
    const n = normalizeProps("input", {
      disabled: true,
      checked: false,
      value: null,
      placeholder: undefined,
      maxlength: 10,
      min: -0.5,
      step: 10n,
    });
    expect(n.attrs).toEqual({ disabled: "", maxlength: "10", min: "-0.5", step: "10" });
  });

  test("functions and symbols (non-handler props) are omitted", () => {
    const n = normalizeProps("div", { title: fn, lang: Symbol("x"), id: "k" });
    expect(n.attrs).toEqual({ id: "k" });
  });

  test("enumerated attributes write booleans as true/false", () => {
    const n = normalizeProps("div", {
      "aria-expanded": false,
      "aria-hidden": true,
      draggable: false,
      spellcheck: true,
      contenteditable: false,
      hidden: false,
    });
    expect(n.attrs).toEqual({
      "aria-expanded": "false",
      "aria-hidden": "true",
      draggable: "false",
      spellcheck: "true",
      contenteditable: "false",
    });
  });

  test("objects are stringified", () => {
    const n = normalizeProps("a", { href: new URL("https://example.com/x?y=1") });
    expect(n.attrs).toEqual({ href: "https://example.com/x?y=1" });
  });
});

describe("normalizeProps: class", () => {
  test("className → class", () => {
    expect(normalizeProps("p", { className: "a b" }).attrs).toEqual({ class: "a b" });
  });

  test("array, nested array, record forms, falsy entries skipped", () => {
    const n = normalizeProps("p", {
      class: ["a", null, false, "", ["b", { c: true, d: false }], { e: 1, f: 0 }, 7],
    });
    expect(n.attrs).toEqual({ class: "a b c e 7" });
  });

  test("record form", () => {
    expect(normalizeProps("p", { class: { on: true, off: false, x: "yes" } }).attrs).toEqual({
      class: "on x",
    });
  });

  test("empty result is omitted", () => {
    expect(normalizeProps("p", { class: [false, { a: false }] }).attrs).toEqual({});
    expect(normalizeProps("p", { class: "" }).attrs).toEqual({});
  });

  test("class and className together are joined at the first one's position", () => {
    const n = normalizeProps("p", { id: "i", className: "a", title: "t", class: ["b"] });
    expect(n.attrs).toEqual({ id: "i", class: "a b", title: "t" });
    expect(Object.keys(n.attrs)).toEqual(["id", "class", "title"]);
  });

  test("htmlFor → for; with both, the later wins", () => {
    expect(normalizeProps("label", { htmlFor: "x" }).attrs).toEqual({ for: "x" });
    expect(normalizeProps("label", { for: "x", htmlFor: "y" }).attrs).toEqual({ for: "y" });
  });
});

describe("normalizeProps: style", () => {
  test("string kept as is", () => {
    expect(normalizeProps("p", { style: "color: red" }).attrs).toEqual({ style: "color: red" });
  });

  test("record: kebab-case, custom properties, numbers as is, vendor prefixes", () => {
    const n = normalizeProps("p", {
      style: {
        fontSize: 12,
        "--main-gap": "4px",
        backgroundColor: "red",
        WebkitTransition: "none",
        msTransform: "none",
        "line-height": 1.5,
        opacity: 0,
        skipped: null,
        alsoSkipped: "",
        notAString: false,
      },
    });
    expect(n.attrs).toEqual({
      style:
        "font-size:12;--main-gap:4px;background-color:red;-webkit-transition:none;-ms-transform:none;line-height:1.5;opacity:0;",
    });
  });

  test("empty record is omitted", () => {
    expect(normalizeProps("p", { style: { a: null } }).attrs).toEqual({});
  });
});

describe("normalizeProps: handlers", () => {
  test("onX functions become bindings without modifiers, data-on appended last", () => {
    const down = () => {};
    const n = normalizeProps("button", { onClick: fn, id: "b", onPointerDown: down });
    expect(n.handlers).toEqual({
      click: binding(),
      pointerdown: binding({ handler: down }),
    });
    expect(n.attrs).toEqual({ id: "b", "data-on": "click,pointerdown" });
    expect(Object.keys(n.attrs)).toEqual(["id", "data-on"]);
  });

  test("event names are lowercased: onDblClick, onKeyDown; onDoubleClick aliases dblclick", () => {
    const n = normalizeProps("div", { onDblClick: fn, onKeyDown: fn });
    expect(Object.keys(n.handlers!)).toEqual(["dblclick", "keydown"]);
    expect(Object.keys(normalizeProps("div", { onDoubleClick: fn }).handlers!)).toEqual([
      "dblclick",
    ]);
  });

  test("bindings keep their modifiers and are encoded in data-on", () => {
    const b = binding({ prevent: true, stop: true, debounce: 300, keys: ["Enter", "a,b"] });
    const n = normalizeProps("input", { onKeyDown: b, onInput: { handler: fn, throttle: 50 } });
    expect(n.handlers!.keydown).toBe(b);
    expect(n.handlers!.input).toEqual(binding({ throttle: 50 }));
    expect(n.attrs["data-on"]).toBe("keydown.p.s.d300.kEnter|a%2Cb,input.t50");
    expect(decodeListeners(n.attrs["data-on"]!)).toEqual([
      {
        event: "keydown",
        prevent: true,
        stop: true,
        debounce: 300,
        throttle: 0,
        keys: ["Enter", "a,b"],
      },
      { event: "input", prevent: false, stop: false, debounce: 0, throttle: 50, keys: [] },
    ]);
  });

  test("handler props without a function value render nothing", () => {
    const n = normalizeProps("button", {
      onClick: "alert(1)",
      onFocus: null,
      onBlur: false,
      onInput: { handler: "x" },
    });
    expect(n).toEqual({ attrs: {}, handlers: null });
  });

  test("handler names outside the event grammar are dropped", () => {
    expect(normalizeProps("div", { "onFoo:bar": fn, "onA.b": fn })).toEqual({
      attrs: {},
      handlers: null,
    });
  });
});

describe("toBinding", () => {
  test("fills missing or mistyped modifier fields with defaults", () => {
    expect(
      toBinding({
        handler: fn,
        prevent: "yes",
        debounce: -5,
        throttle: Number.NaN,
        keys: ["a", 1],
      }),
    ).toEqual(binding({ keys: ["a"] }));
  });

  test("non-functions are not bindings", () => {
    expect(toBinding(1)).toBe(null);
    expect(toBinding(null)).toBe(null);
    expect(toBinding({})).toBe(null);
  });
});

describe("normalizeProps: order and textarea", () => {
  test("attributes keep insertion order", () => {
    const n = normalizeProps("a", { title: "t", href: "/x", id: "i", rel: "next" });
    expect(Object.keys(n.attrs)).toEqual(["title", "href", "id", "rel"]);
  });

  test("textarea value stays an attribute in the record", () => {
    expect(normalizeProps("textarea", { name: "n", value: "hi" }).attrs).toEqual({
      name: "n",
      value: "hi",
    });
  });
});

describe("SSR attribute fast path agrees with normalizeProps", () => {
  const names = [
    "class",
    "className",
    "for",
    "htmlFor",
    "style",
    "onClick",
    "onDblClick",
    "onDoubleClick",
    "onclick",
    "href",
    "srcset",
    "aria-checked",
    "data-hid",
    "value",
    "id",
    "x y",
    "values",
  ];
  const values = fc.oneof(
    fc.constantFrom(
      "javascript:alert(1)",
      " java\tscript:x",
      "/ok",
      "",
      "q\"<>&'",
      true,
      false,
      null,
      undefined,
      0,
      12.5,
      3n,
      fn,
      binding({ prevent: true }),
      ["a", { b: true }],
      { fontSize: 1, color: "red" },
      Object.create(null) as object,
    ),
    fc.string(),
  );
  const tags = fc.constantFrom("div", "a", "textarea", "animate", "img");

  test("same attributes, same order (property-based)", () => {
    fc.assert(
      fc.property(
        tags,
        fc.array(fc.tuple(fc.constantFrom(...names), values), { maxLength: 8 }),
        (tag, entries) => {
          const props: Props = {};
          for (const [k, v] of entries) props[k] = v;
          const isTextarea = tag === "textarea";
          const fast = propsToAttrs(tag, props, isTextarea);
          const fastValue = textareaValue;
          const slow = attrsToString(normalizeProps(tag, props).attrs, isTextarea);
          expect(fast).toBe(slow);
          expect(fastValue).toBe(textareaValue);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("alias collisions and odd values, exactly", () => {
    const props: Props = {
      htmlFor: "a",
      onDblClick: fn,
      for: "b",
      onDoubleClick: binding({ stop: true }),
      title: Object.create(null) as object,
    };
    expect(propsToAttrs("label", props, false)).toBe(' for="b" data-on="dblclick.s"');
  });
});
