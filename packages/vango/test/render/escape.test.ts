import { describe, expect, test } from "vitest";
import { escapeAttr, escapeText, jsonForScript } from "../../src/render/escape.ts";

describe("escapeText", () => {
  test("escapes & < > and nothing else", () => {
    expect(escapeText(`a < b && c > d "q" 'x'`)).toBe(`a &lt; b &amp;&amp; c &gt; d "q" 'x'`);
  });

  test("returns the same string when nothing needs escaping", () => {
    const s = "plain text";
    expect(escapeText(s)).toBe(s);
    expect(escapeText("")).toBe("");
  });

  test("escapes at both ends and consecutive specials", () => {
    expect(escapeText("<<a>>")).toBe("&lt;&lt;a&gt;&gt;");
    expect(escapeText("&")).toBe("&amp;");
  });

  test("keeps unicode (BMP, astral, combining) untouched", () => {
    expect(escapeText("héllo 😀 <ünï> e\u0301")).toBe("héllo 😀 &lt;ünï&gt; e\u0301");
  });

  test("does not double-decode entities: & in an entity is escaped", () => {
    expect(escapeText("&lt;script&gt;")).toBe("&amp;lt;script&amp;gt;");
  });
});

describe("escapeAttr", () => {
  test("escapes & \" ' < >", () => {
    expect(escapeAttr(`say "hi" & 'bye' <now>`)).toBe(
      "say &quot;hi&quot; &amp; &#39;bye&#39; &lt;now&gt;",
    );
  });

  test("leaves other characters and unicode alone", () => {
    expect(escapeAttr("a=b c/d `e` ü 😀")).toBe("a=b c/d `e` ü 😀");
  });
});

describe("jsonForScript", () => {
  test("escapes < > & U+2028 U+2029 as \\u escapes, still valid JSON", () => {
    const value = { s: "</script><!-- & \u2028\u2029" };
    const out = jsonForScript(value);
    expect(out).toBe('{"s":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029"}');
    expect(JSON.parse(out)).toEqual(value);
  });

  test("undefined serialises as null", () => {
    expect(jsonForScript(undefined)).toBe("null");
  });
});
