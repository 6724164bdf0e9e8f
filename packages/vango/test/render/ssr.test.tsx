/** `renderToString` markup: elements, attributes, escaping and children. */
import { describe, expect, test } from "vitest";
import { renderToString } from "../../src/render/ssr.ts";
import { h } from "../../src/vdom/create-element.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { codeOf } from "./ssr-helpers.ts";

describe("renderToString: elements and attributes", () => {
  test("data-hid first, then attributes in insertion order", () => {
    expect(
      renderToString(
        <a title="t" href="/x" id="i" class="c">
          x
        </a>,
      ),
    ).toBe('<a data-hid="1" title="t" href="/x" id="i" class="c">x</a>');
  });

  test("hids number elements in document pre-order from hidStart", () => {
    const view = (
      <ul>
        <li>
          a<b>1</b>
        </li>
        <li>
          <i />
        </li>
      </ul>
    );
    expect(renderToString(view, { hidStart: 10 })).toBe(
      '<ul data-hid="10"><li data-hid="11">a<b data-hid="12">1</b></li><li data-hid="13"><i data-hid="14"></i></li></ul>',
    );
  });

  test("void elements: no end tag, children ignored", () => {
    expect(
      renderToString(
        <div>
          <br />
          <img src="/a.png" alt="" />
          <input disabled />
        </div>,
      ),
    ).toBe(
      '<div data-hid="1"><br data-hid="2"><img data-hid="3" src="/a.png" alt=""><input data-hid="4" disabled=""></div>',
    );
    expect(renderToString(h("hr", null, "ignored", h("b", null)))).toBe('<hr data-hid="1">');
  });

  test("boolean attributes: true present as empty, false/null/undefined omitted", () => {
    expect(
      renderToString(
        <input type="checkbox" checked={true} disabled={false} required={undefined} value={0} />,
      ),
    ).toBe('<input data-hid="1" type="checkbox" checked="" value="0">');
  });

  test("text and attribute escaping, quotes and unicode", () => {
    expect(
      renderToString(
        <p title={`"q" & 'a' <b>`} data-x="ü😀">
          {"1 < 2 & 3 > 2 \"q\" 'a' ü😀"}
        </p>,
      ),
    ).toBe(
      '<p data-hid="1" title="&quot;q&quot; &amp; &#39;a&#39; &lt;b&gt;" data-x="ü😀">1 &lt; 2 &amp; 3 &gt; 2 "q" \'a\' ü😀</p>',
    );
  });

  test("class and style forms", () => {
    expect(
      renderToString(
        <div
          className={["a", { b: true, c: false }, ["d"]]}
          style={{ marginTop: 4, "--x": "1px", color: "red" }}
        />,
      ),
    ).toBe('<div data-hid="1" class="a b d" style="margin-top:4;--x:1px;color:red;"></div>');
  });

  test("handlers: data-on after the attributes, never the function", () => {
    const click = () => "SECRET";
    expect(renderToString(<button onClick={click} type="button" onKeyDown={click} />)).toBe(
      '<button data-hid="1" type="button" data-on="click,keydown"></button>',
    );
  });

  test("alias collisions give the normalizeProps result", () => {
    expect(renderToString(h("p", { className: "a", id: "i", class: "b" }))).toBe(
      '<p data-hid="1" class="a b" id="i"></p>',
    );
  });

  test("invalid tag names throw invalid_tag", () => {
    expect(codeOf(() => renderToString(h("bad tag", null)))).toBe("invalid_tag");
    expect(codeOf(() => renderToString(h("1a", null)))).toBe("invalid_tag");
    expect(codeOf(() => renderToString(h("a><script", null)))).toBe("invalid_tag");
  });

  test("custom elements and SVG keep their names", () => {
    expect(
      renderToString(h("my-widget", { "some-attr": "v" }, h("svg", { viewBox: "0 0 1 1" }))),
    ).toBe(
      '<my-widget data-hid="1" some-attr="v"><svg data-hid="2" viewBox="0 0 1 1"></svg></my-widget>',
    );
  });
});

describe("renderToString: children", () => {
  test("primitives: strings, numbers, bigint; nothing for booleans, null, functions, symbols", () => {
    const children: VChild = ["a", 1, 2n, true, false, null, undefined, [["b"]]];
    expect(renderToString(children)).toBe("a12b");
    expect(renderToString((() => "x") as unknown as VChild)).toBe("");
    expect(renderToString(Symbol("s") as unknown as VChild)).toBe("");
    expect(renderToString("")).toBe("");
  });

  test("script and style text is escaped like any text", () => {
    expect(
      renderToString(
        <div>
          <script>{"if (a < b) </script><script>alert(1)"}</script>
          <style>{"</style><img src=x>"}</style>
        </div>,
      ),
    ).toBe(
      '<div data-hid="1"><script data-hid="2">if (a &lt; b) &lt;/script&gt;&lt;script&gt;alert(1)</script><style data-hid="3">&lt;/style&gt;&lt;img src=x&gt;</style></div>',
    );
  });

  test("pre and textarea: a leading newline is doubled so the parser keeps it", () => {
    expect(renderToString(<pre>{"\nx"}</pre>)).toBe('<pre data-hid="1">\n\nx</pre>');
    expect(renderToString(<pre>{"x\n"}</pre>)).toBe('<pre data-hid="1">x\n</pre>');
    expect(
      renderToString(
        <pre>
          <b />
          {"\nx"}
        </pre>,
      ),
    ).toBe('<pre data-hid="1"><b data-hid="2"></b>\nx</pre>');
  });

  test("textarea value is written as escaped content (children ignored)", () => {
    expect(
      renderToString(
        <textarea name="n" value={"</textarea>&"}>
          ignored
        </textarea>,
      ),
    ).toBe('<textarea data-hid="1" name="n">&lt;/textarea&gt;&amp;</textarea>');
    expect(renderToString(<textarea value={"\nv"} />)).toBe(
      '<textarea data-hid="1">\n\nv</textarea>',
    );
    expect(renderToString(<textarea>{"child"}</textarea>)).toBe(
      '<textarea data-hid="1">child</textarea>',
    );
  });

  test("raw HTML is emitted verbatim when it is the only child", () => {
    const html = trustedHtml("<b>bold</b> & <i>it</i>");
    expect(renderToString(<div>{raw(html)}</div>)).toBe(
      '<div data-hid="1"><b>bold</b> & <i>it</i></div>',
    );
    // Empty texts and nulls do not count as siblings.
    expect(
      renderToString(
        <div>
          {""}
          {null}
          {raw(html)}
          {false}
        </div>,
      ),
    ).toBe('<div data-hid="1"><b>bold</b> & <i>it</i></div>');
  });

  test("raw HTML with siblings throws raw_html_not_only_child", () => {
    const r = raw(trustedHtml("<b>x</b>"));
    expect(
      codeOf(() =>
        renderToString(
          <div>
            {r}
            <span />
          </div>,
        ),
      ),
    ).toBe("raw_html_not_only_child");
    expect(codeOf(() => renderToString(<div>text{r}</div>))).toBe("raw_html_not_only_child");
    expect(
      codeOf(() =>
        renderToString(
          <div>
            {r}
            {r}
          </div>,
        ),
      ),
    ).toBe("raw_html_not_only_child");
    // Siblings through fragments and components are still siblings in the DOM.
    const Comp = () => r;
    expect(
      codeOf(() =>
        renderToString(
          <div>
            <>a</>
            <Comp />
          </div>,
        ),
      ),
    ).toBe("raw_html_not_only_child");
    // The top-level list is a child list too.
    expect(codeOf(() => renderToString([r, "x"]))).toBe("raw_html_not_only_child");
    // Raw inside a sibling element is fine.
    expect(
      renderToString(
        <div>
          <p>{r}</p>
          <p>{r}</p>
        </div>,
      ),
    ).toBe('<div data-hid="1"><p data-hid="2"><b>x</b></p><p data-hid="3"><b>x</b></p></div>');
  });
});
