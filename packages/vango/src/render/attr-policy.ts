/**
 * What a prop name means (classification, cached) and the URL-scheme safety check.
 * Internal to `render/`: `normalizeProps` and the SSR attribute writer share it, so the
 * live DOM and server-rendered HTML can never disagree on which attributes exist.
 */

/** How a prop is turned into an attribute. Numbers, compared in the hot loop. */
export const AttrKind = {
  /** Never rendered (framework props, invalid or reserved names, `on*` strings). */
  Skip: 0,
  Plain: 1,
  Class: 2,
  Style: 3,
  /** A single URL: dropped when its scheme is script-capable. */
  Url: 4,
  /** A list of URLs (`srcset`, `ping`, `archive`): dropped when any entry is. */
  UrlList: 5,
  /** Enumerated "true"/"false" attributes: booleans are written as those words. */
  Boolish: 6,
  /** `on[A-Z]…`: an event handler when the value is a function or binding. */
  Handler: 7,
  /** `to`/`from`/`by`/`values`: URL lists on SVG animation elements, plain elsewhere. */
  Animation: 8,
} as const;
export type AttrKind = (typeof AttrKind)[keyof typeof AttrKind];

export interface NameInfo {
  readonly kind: AttrKind;
  /** Attribute name to write (or, for handlers, the DOM event name). */
  readonly out: string;
  /** Non-zero for names that share an output with another prop name (class/className). */
  readonly alias: number;
  /** `' out="'`, what a serializer writes before the escaped value. */
  readonly prefix: string;
}

function info(kind: AttrKind, out: string, alias: number): NameInfo {
  return { kind, out, alias, prefix: " " + out + '="' };
}

export const ALIAS_CLASS = 1;
export const ALIAS_FOR = 2;
export const ALIAS_DBLCLICK = 4;

// Same grammar as the protocol's listener codec, so every handler name is encodable.
const EVENT_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

const URL_ATTRS = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "xml:base",
  "poster",
  "cite",
  "background",
  "data",
  "codebase",
  "classid",
  "longdesc",
  "manifest",
  "icon",
  "lowsrc",
  "dynsrc",
  "profile",
  "usemap",
]);
const URL_LIST_ATTRS = new Set(["srcset", "imagesrcset", "ping", "archive"]);
const BOOLISH_ATTRS = new Set(["draggable", "spellcheck", "contenteditable"]);
const ANIMATION_ATTRS = new Set(["to", "from", "by", "values"]);
const ANIMATION_TAGS = new Set(["animate", "set", "animatemotion", "animatetransform"]);
/**
 * Names that are always dropped: framework props, the attributes the framework owns,
 * `srcdoc` (an HTML document in an attribute: raw markup only enters through VRaw) and
 * React's `dangerouslySetInnerHTML` (unsupported for the same reason).
 */
const RESERVED = new Set([
  "children",
  "key",
  "ref",
  "data-hid",
  "data-on",
  "srcdoc",
  "dangerouslysetinnerhtml",
  "__proto__",
]);

const SKIP_INFO = info(AttrKind.Skip, "", 0);
const CACHE_LIMIT = 4096;
const cache = new Map<string, NameInfo>();

/** Classifies a prop name; results are memoised (prop names come from source code). */
export function nameInfo(name: string): NameInfo {
  let found = cache.get(name);
  if (found === undefined) {
    found = classify(name);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, found);
  }
  return found;
}

function classify(name: string): NameInfo {
  const lower = name.toLowerCase();
  if (RESERVED.has(lower) || !isValidAttrName(name)) return SKIP_INFO;
  if (lower.charCodeAt(0) === 111 && lower.charCodeAt(1) === 110) {
    // "on…": a handler only in the `onClick` form; any other spelling is dropped.
    const c = name.charCodeAt(2);
    if (name.charCodeAt(0) !== 111 || name.charCodeAt(1) !== 110 || c < 65 || c > 90) {
      return SKIP_INFO;
    }
    const event = lower === "ondoubleclick" ? "dblclick" : lower.slice(2);
    if (!EVENT_NAME.test(event)) return SKIP_INFO;
    return info(AttrKind.Handler, event, event === "dblclick" ? ALIAS_DBLCLICK : 0);
  }
  if (name === "class" || name === "className") {
    return info(AttrKind.Class, "class", ALIAS_CLASS);
  }
  if (name === "for" || name === "htmlFor") {
    return info(AttrKind.Plain, "for", ALIAS_FOR);
  }
  if (name === "style") return info(AttrKind.Style, name, 0);
  let kind: AttrKind = AttrKind.Plain;
  if (URL_ATTRS.has(lower)) kind = AttrKind.Url;
  else if (URL_LIST_ATTRS.has(lower)) kind = AttrKind.UrlList;
  else if (BOOLISH_ATTRS.has(lower) || lower.startsWith("aria-")) kind = AttrKind.Boolish;
  else if (ANIMATION_ATTRS.has(lower)) kind = AttrKind.Animation;
  return info(kind, name, 0);
}

/**
 * HTML attribute-name grammar minus the characters that could end the name or the tag
 * in some parser: whitespace, quotes, backtick, `<`, `>`, `/`, `=`, controls. Lone
 * surrogates are refused too: the wire codec cannot carry them in a name (it would have
 * to replace them, and two names could then collide), so such a name must never render.
 */
export function isValidAttrName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate followed by a low one is a well-formed pair (one code point).
      const next = name.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
      continue;
    }
    if (
      c <= 0x20 ||
      (c >= 0x7f && c <= 0xa0) ||
      c === 0x22 || // "
      c === 0x27 || // '
      c === 0x2f || // /
      c === 0x3c || // <
      c === 0x3d || // =
      c === 0x3e || // >
      c === 0x60 || // `
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff
    ) {
      return false;
    }
  }
  return true;
}

export function isAnimationTag(tag: string): boolean {
  return ANIMATION_TAGS.has(tag.toLowerCase());
}

const DANGEROUS_SCHEMES = ["javascript:", "vbscript:", "data:text/html"] as const;
// Longest scheme prefix we compare against.
const PREFIX_LEN = 14;

/**
 * True when `url` would run script if navigated to or loaded: after dropping every
 * control character and space (the URL parser strips leading/trailing ones and removes
 * tabs/newlines anywhere) and ASCII case-folding, it begins with `javascript:`,
 * `vbscript:` or `data:text/html`.
 *
 * @example
 * isDangerousUrl(" Java\tScript:alert(1)"); // true
 * isDangerousUrl("/search?q=javascript:"); // false
 */
export function isDangerousUrl(url: string): boolean {
  let i = 0;
  while (i < url.length && url.charCodeAt(i) <= 0x20) i++;
  const first = url.charCodeAt(i) | 0x20;
  // Fast path: only j, v and d can start a dangerous scheme.
  if (first !== 106 && first !== 118 && first !== 100) return false;
  let prefix = "";
  for (; i < url.length && prefix.length < PREFIX_LEN; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) continue;
    prefix += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : url[i];
  }
  for (const scheme of DANGEROUS_SCHEMES) if (prefix.startsWith(scheme)) return true;
  return false;
}

/** For URL lists: true when a dangerous scheme appears anywhere (conservative). */
export function containsDangerousUrl(list: string): boolean {
  let folded = "";
  for (let i = 0; i < list.length; i++) {
    const c = list.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) continue;
    folded += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : list[i];
  }
  for (const scheme of DANGEROUS_SCHEMES) if (folded.includes(scheme)) return true;
  return false;
}
