/**
 * Prop value → attribute string conversions (class and style forms, primitives, URL
 * policy). Internal to `render/`; the single entry point is `attrValue`.
 */
import { AttrKind, containsDangerousUrl, isAnimationTag, isDangerousUrl } from "./attr-policy.ts";

/**
 * The attribute value for a non-handler prop of the given kind, or `null` when the
 * attribute must be omitted.
 */
export function attrValue(kind: AttrKind, tag: string, value: unknown): string | null {
  if (kind === AttrKind.Class) {
    const v = classValue(value);
    return v === "" ? null : v;
  }
  if (kind === AttrKind.Style) {
    const v = typeof value === "string" ? value : styleValue(value);
    return v === "" ? null : v;
  }
  const v = primitiveValue(value, kind === AttrKind.Boolish);
  if (v === null) return null;
  if (kind === AttrKind.Url) return isDangerousUrl(v) ? null : v;
  if (kind === AttrKind.UrlList) return containsDangerousUrl(v) ? null : v;
  if (kind === AttrKind.Animation && isAnimationTag(tag) && containsDangerousUrl(v)) return null;
  return v;
}

function primitiveValue(value: unknown, boolish: boolean): string | null {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      if (boolish) return value ? "true" : "false";
      return value ? "" : null;
    case "object":
      if (value === null) return null;
      try {
        return String(value);
      } catch {
        // No usable toString (e.g. a null-prototype object): nothing sensible to write.
        return null;
      }
    default:
      // undefined, function, symbol
      return null;
  }
}

/**
 * `class` as a string, or nested arrays / `{ name: boolean }` records (clsx-style);
 * falsy entries are skipped, the rest space-joined.
 *
 * @example
 * classValue(["a", { b: true, c: false }, ["d"]]); // "a b d"
 */
function classValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value === null || typeof value !== "object") return "";
  let out = "";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const part = classValue(value[i]);
      if (part !== "") out = out === "" ? part : out + " " + part;
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  for (const name in record) {
    if (record[name]) out = out === "" ? name : out + " " + name;
  }
  return out;
}

/**
 * `style` record → CSS declarations `name:value;` in insertion order. camelCase names
 * become kebab-case (`msFoo` → `-ms-foo`, `WebkitFoo` → `-webkit-foo`), names starting
 * with `-` (custom properties, explicit prefixes) are kept, numbers are written as is
 * (no implicit `px`), and null/false/"" values are skipped.
 *
 * @example
 * styleValue({ fontSize: 12, "--gap": "4px" }); // "font-size:12;--gap:4px;"
 */
export function styleValue(value: unknown): string {
  if (value === null || typeof value !== "object") return "";
  const record = value as Record<string, unknown>;
  let out = "";
  for (const name in record) {
    const v = record[name];
    const t = typeof v;
    if (t === "string") {
      if (v === "") continue;
    } else if (t !== "number" && t !== "bigint") {
      continue;
    }
    out += cssName(name) + ":" + String(v) + ";";
  }
  return out;
}

const CSS_UPPER = /[A-Z]/g;
const CSS_CACHE_LIMIT = 2048;
const cssNames = new Map<string, string>();

function cssName(name: string): string {
  if (name.charCodeAt(0) === 45) return name;
  let css = cssNames.get(name);
  if (css === undefined) {
    css = name.replace(CSS_UPPER, (c) => "-" + c.toLowerCase());
    if (css.startsWith("ms-")) css = "-" + css;
    if (cssNames.size >= CSS_CACHE_LIMIT) cssNames.clear();
    cssNames.set(name, css);
  }
  return css;
}
