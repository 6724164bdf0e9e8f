import { describe, expect, test } from "vitest";
import { NodeKind } from "../../src/protocol/patch.ts";
import { normalizeProps } from "../../src/render/attrs.ts";
import type { RenderError } from "../../src/render/render-error.ts";
import { serializeHost } from "../../src/render/serialize-host.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { Fragment, h } from "../../src/vdom/create-element.ts";
import type { HElement, HNode } from "../../src/vdom/host.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import { type VElement, VKind, type VNode } from "../../src/vdom/vnode.ts";

/** A minimal host-tree builder for element/text/fragment/raw trees (no components). */
function hostOf(root: VElement, hidStart = 1): HElement {
  let hid = hidStart;
  const element = (v: VElement): HElement => {
    const { attrs, handlers } = normalizeProps(v.tag, v.props);
    const el: HElement = {
      kind: NodeKind.Element,
      tag: v.tag,
      key: v.key,
      hid: hid++,
      attrs,
      handlers,
      children: [],
    };
    const add = (n: VNode): void => {
      if (n.kind === VKind.Fragment) {
        for (const c of n.children) add(c);
      } else if (n.kind === VKind.Element) {
        el.children.push(element(n));
      } else if (n.kind === VKind.Text) {
        if (n.text === "") return;
        const last = el.children[el.children.length - 1];
        if (last?.kind === NodeKind.Text) last.text += n.text;
        else el.children.push({ kind: NodeKind.Text, text: n.text });
      } else if (n.kind === VKind.Raw) {
        el.children.push({ kind: NodeKind.Raw, html: n.html });
      }
    };
    if (!["br", "img", "input", "hr"].includes(v.tag)) for (const c of v.children) add(c);
    return el;
  };
  return element(root);
}

describe("serializeHost", () => {
  test("exact output for a hand-built host tree", () => {
    const tree: HNode = {
      kind: NodeKind.Element,
      tag: "ul",
      key: undefined,
      hid: 7,
      attrs: { class: "list", "data-on": "click" },
      handlers: null,
      children: [
        {
          kind: NodeKind.Element,
          tag: "li",
          key: 1,
          hid: 8,
          attrs: { title: `"a" & <b>` },
          handlers: null,
          children: [{ kind: NodeKind.Text, text: "1 < 2" }],
        },
        {
          kind: NodeKind.Element,
          tag: "input",
          key: undefined,
          hid: 9,
          attrs: { disabled: "" },
          handlers: null,
          children: [],
        },
      ],
    };
    expect(serializeHost(tree)).toBe(
      '<ul data-hid="7" class="list" data-on="click"><li data-hid="8" title="&quot;a&quot; &amp; &lt;b&gt;">1 &lt; 2</li><input data-hid="9" disabled=""></ul>',
    );
  });

  test("text and raw nodes on their own", () => {
    expect(serializeHost({ kind: NodeKind.Text, text: "a&b" })).toBe("a&amp;b");
    expect(serializeHost({ kind: NodeKind.Raw, html: "<b>&amp;</b>" })).toBe("<b>&amp;</b>");
  });

  test("invalid tags throw invalid_tag", () => {
    const bad: HNode = {
      kind: NodeKind.Element,
      tag: "x y",
      key: undefined,
      hid: 1,
      attrs: {},
      handlers: null,
      children: [],
    };
    let code = "";
    try {
      serializeHost(bad);
    } catch (e) {
      code = (e as RenderError).code;
    }
    expect(code).toBe("invalid_tag");
  });

  const fn = () => {};
  const cases: Array<[string, VElement]> = [
    [
      "attributes, handlers, class/style forms",
      (
        <form id="a" className={["x", { y: true }]} style={{ fontSize: 3 }} onSubmit={fn}>
          <button type="submit" disabled onKeyDown={fn} aria-pressed={false}>
            go
          </button>
        </form>
      ) as VElement,
    ],
    [
      "texts from fragments merge",
      (
        <p>
          a{h(Fragment, null, "b", "c")}
          {""}d<b>e</b>
          {h(Fragment, null, "f")}
        </p>
      ) as VElement,
    ],
    ["escaping and unicode", (<p title={`'"<>&`}>{`<script>&'"ü😀`}</p>) as VElement],
    [
      "void elements",
      (
        <div>
          <br />
          <img src="/x.png" alt="" />
          <input value="v" checked />
        </div>
      ) as VElement,
    ],
    [
      "raw only child, textarea value, pre newline",
      (
        <div>
          <section>{raw(trustedHtml("<b>raw</b>"))}</section>
          <textarea value={"\nline"} />
          <pre>{"\ncode"}</pre>
        </div>
      ) as VElement,
    ],
  ];

  for (const [name, view] of cases) {
    test(`renderToString(v) === serializeHost(hostOf(v)): ${name}`, () => {
      expect(serializeHost(hostOf(view, 3))).toBe(renderToString(view, { hidStart: 3 }));
    });
  }
});
