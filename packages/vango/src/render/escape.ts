/**
 * HTML escaping for the SSR serializers, and the `SafeHtml` brand for markup that is
 * already escaped (the output of the serializers).
 *
 * Each escaper first runs one regex `test` and returns the input unchanged when there
 * is nothing to replace — the common case for text and attribute values — so only
 * strings that need it pay for the character loop.
 */

declare const safeHtmlBrand: unique symbol;
/** A string of HTML that is already escaped (e.g. the output of `renderToString`). */
export type SafeHtml = string & { readonly [safeHtmlBrand]: true };

/**
 * Brands `html` as `SafeHtml`. The caller vouches that it is escaped, well-formed HTML.
 *
 * @example
 * const head = asSafeHtml('<meta name="robots" content="noindex">');
 */
export function asSafeHtml(html: string): SafeHtml {
  return html as SafeHtml;
}

const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"']/;

/**
 * Escapes `&`, `<`, `>` for use as element content.
 *
 * @example
 * escapeText("a < b & c"); // "a &lt; b &amp; c"
 */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s.charCodeAt(i)) {
      case 38:
        rep = "&amp;";
        break;
      case 60:
        rep = "&lt;";
        break;
      case 62:
        rep = "&gt;";
        break;
      default:
        continue;
    }
    if (i !== last) out += s.slice(last, i);
    out += rep;
    last = i + 1;
  }
  return last < s.length ? out + s.slice(last) : out;
}

/**
 * Escapes `&`, `"`, `'`, `<`, `>` for use inside a double-quoted attribute value.
 *
 * @example
 * escapeAttr(`say "hi" & 'bye'`); // "say &quot;hi&quot; &amp; &#39;bye&#39;"
 */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s.charCodeAt(i)) {
      case 34:
        rep = "&quot;";
        break;
      case 38:
        rep = "&amp;";
        break;
      case 39:
        rep = "&#39;";
        break;
      case 60:
        rep = "&lt;";
        break;
      case 62:
        rep = "&gt;";
        break;
      default:
        continue;
    }
    if (i !== last) out += s.slice(last, i);
    out += rep;
    last = i + 1;
  }
  return last < s.length ? out + s.slice(last) : out;
}

const SCRIPT_JSON_SPECIAL = /[<>&\u2028\u2029]/g;
const SCRIPT_JSON_REPLACEMENT: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * Serialises `value` as JSON that is safe inside `<script type="application/json">`:
 * `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX` escapes (still valid JSON), so
 * `</script>` or `<!--` in the data can never end or alter the script element.
 *
 * @example
 * jsonForScript({ html: "</script>" }); // '{"html":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  return json.replace(SCRIPT_JSON_SPECIAL, (c) => SCRIPT_JSON_REPLACEMENT[c]!);
}
