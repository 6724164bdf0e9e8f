/**
 * Secure-by-default rendering: nothing in props or text can add script to the page.
 * Every case goes through renderToString (SSR fast path) and normalizeProps (what the
 * live renderer and the diff use), which must agree.
 */
import { describe, expect, test } from "vitest";
import { normalizeProps } from "../../src/render/attrs.ts";
import type { RenderError } from "../../src/render/render-error.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { h } from "../../src/vdom/create-element.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import type { Props } from "../../src/vdom/vnode.ts";

function ssr(tag: string, props: Props): string {
  return renderToString(h(tag, props));
}

describe("on* attributes are never rendered from user values", () => {
  const cases: Props[] = [
    { onclick: "alert(1)" },
    { ONCLICK: "alert(1)" },
    { onmouseover: "alert(1)" },
    { OnClick: "alert(1)" },
    { onClick: "alert(1)" },
    { onLoad: { toString: () => "alert(1)" } },
    { onerror: () => {} },
    { "on-x": "y" },
    { on: "y" },
  ];
  for (const props of cases) {
    const name = Object.keys(props)[0]!;
    test(`${name}`, () => {
      expect(ssr("img", { src: "/a.png", ...props })).toBe('<img data-hid="1" src="/a.png">');
      expect(normalizeProps("img", props)).toEqual({ attrs: {}, handlers: null });
    });
  }

  test("a real handler renders only data-on, never the function source", () => {
    const html = ssr("button", {
      onClick: () => {
        throw new Error("SECRET_SOURCE");
      },
    });
    expect(html).toBe('<button data-hid="1" data-on="click"></button>');
  });
});

describe("script-capable URLs are dropped", () => {
  const dangerous = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\u0000javascript:alert(1)",
    "\u001f\njavascript:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "java\rscript:alert(1)",
    "javascript\t:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:TEXT/HTML;base64,PHNjcmlwdD4=",
    "data: text/html,x",
  ];
  const attrs = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "cite",
    "data",
    "HREF",
  ];
  for (const url of dangerous) {
    test(JSON.stringify(url), () => {
      for (const attr of attrs) {
        expect(ssr("a", { [attr]: url, id: "k" })).toBe('<a data-hid="1" id="k"></a>');
        expect(normalizeProps("a", { [attr]: url }).attrs).toEqual({});
      }
    });
  }

  test("URL lists are dropped when any entry is dangerous", () => {
    expect(ssr("img", { srcset: "/a.png 1x, javascript:alert(1) 2x" })).toBe('<img data-hid="1">');
    expect(ssr("a", { ping: "/p JAVA\tSCRIPT:alert(1)" })).toBe('<a data-hid="1"></a>');
    expect(ssr("img", { srcset: "/a.png 1x, /b.png 2x" })).toBe(
      '<img data-hid="1" srcset="/a.png 1x, /b.png 2x">',
    );
  });

  test("SVG animation values cannot smuggle a javascript: href", () => {
    expect(ssr("animate", { attributeName: "href", values: "javascript:alert(1)" })).toBe(
      '<animate data-hid="1" attributeName="href"></animate>',
    );
    expect(ssr("set", { attributeName: "href", to: "javascript:alert(1)" })).toBe(
      '<set data-hid="1" attributeName="href"></set>',
    );
    // Elsewhere these are ordinary attributes.
    expect(ssr("div", { values: "javascript:" })).toBe(
      '<div data-hid="1" values="javascript:"></div>',
    );
  });

  test("safe URLs are kept", () => {
    for (const url of [
      "/search?q=javascript:alert(1)",
      "https://example.com/",
      "mailto:a@b.c",
      "data:image/png;base64,AAAA",
      "#javascript:",
      "./javascript.html",
    ]) {
      expect(normalizeProps("a", { href: url }).attrs).toEqual({ href: url });
    }
  });

  test("entity-obfuscated URLs given literally are harmless: the & is escaped", () => {
    // The browser decodes &amp; back to "&#106;avascript:…", a relative URL, not a scheme.
    expect(ssr("a", { href: "&#106;avascript:alert(1)" })).toBe(
      '<a data-hid="1" href="&amp;#106;avascript:alert(1)"></a>',
    );
    expect(ssr("a", { href: "javascript&colon;alert(1)" })).toBe(
      '<a data-hid="1" href="javascript&amp;colon;alert(1)"></a>',
    );
  });
});

describe("attribute names and values cannot inject markup", () => {
  const badNames = [
    "x onload=alert(1)",
    'a"b',
    "a'b",
    "a>b",
    "a<b",
    "a/b",
    "a=b",
    "a`b",
    "a\u0000b",
    "a\tb",
    "a\u00a0b",
    "a\u2028b",
    "",
  ];
  for (const name of badNames) {
    test(`name ${JSON.stringify(name)} is dropped`, () => {
      expect(ssr("div", { [name]: "y", id: "k" })).toBe('<div data-hid="1" id="k"></div>');
      expect(normalizeProps("div", { [name]: "y" }).attrs).toEqual({});
    });
  }

  test("values are always quoted and escaped", () => {
    expect(
      ssr("div", { title: '" onmouseover="alert(1)', "data-x": "'><script>alert(1)</script>" }),
    ).toBe(
      '<div data-hid="1" title="&quot; onmouseover=&quot;alert(1)" data-x="&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></div>',
    );
  });

  test("reserved framework attributes cannot be spoofed", () => {
    expect(ssr("div", { "data-hid": "999", "data-on": "click", "Data-Hid": "1" })).toBe(
      '<div data-hid="1"></div>',
    );
  });

  test("srcdoc and dangerouslySetInnerHTML never render", () => {
    expect(
      ssr("iframe", {
        srcdoc: "<script>alert(1)</script>",
        dangerouslySetInnerHTML: { __html: "<script>alert(1)</script>" },
      }),
    ).toBe('<iframe data-hid="1"></iframe>');
  });

  test("tag names cannot carry markup", () => {
    let code = "";
    try {
      renderToString(h("img src=x onerror=alert(1)", null));
    } catch (e) {
      code = (e as RenderError).code;
    }
    expect(code).toBe("invalid_tag");
  });
});

describe("text and raw HTML", () => {
  test("text containing markup is escaped", () => {
    expect(renderToString(<p>{"<script>alert(1)</script><img src=x onerror=alert(1)>"}</p>)).toBe(
      '<p data-hid="1">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</p>',
    );
  });

  test("an HTML-looking string is text; only trustedHtml + raw emit markup", () => {
    const markup = "<b>bold</b>";
    expect(renderToString(<div>{markup}</div>)).toBe(
      '<div data-hid="1">&lt;b&gt;bold&lt;/b&gt;</div>',
    );
    expect(renderToString(<div>{raw(trustedHtml(markup))}</div>)).toBe(
      '<div data-hid="1"><b>bold</b></div>',
    );
  });
});
