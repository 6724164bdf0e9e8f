/**
 * The typed `JSX` namespace TypeScript looks up in `vango/jsx-runtime`. Intrinsic
 * elements are generated from tag lists: every tag gets {@link HTMLAttributes} plus its
 * entry in {@link ElementExtras}; void tags take no children; custom elements (a name
 * with `-`) accept any attribute.
 */
import type {
  ElementExtras,
  HTMLAttributes,
  SvgAttributes,
  VoidAttributes,
} from "./html-attributes.ts";
import type { Component, Key, VChild, VNode } from "./vnode.ts";

export type VoidTag =
  | "area"
  | "base"
  | "br"
  | "col"
  | "embed"
  | "hr"
  | "img"
  | "input"
  | "link"
  | "meta"
  | "source"
  | "track"
  | "wbr";

export type ContainerTag =
  | "a"
  | "abbr"
  | "address"
  | "article"
  | "aside"
  | "audio"
  | "b"
  | "bdi"
  | "bdo"
  | "blockquote"
  | "body"
  | "button"
  | "canvas"
  | "caption"
  | "cite"
  | "code"
  | "colgroup"
  | "data"
  | "datalist"
  | "dd"
  | "del"
  | "details"
  | "dfn"
  | "dialog"
  | "div"
  | "dl"
  | "dt"
  | "em"
  | "fieldset"
  | "figcaption"
  | "figure"
  | "footer"
  | "form"
  | "h1"
  | "h2"
  | "h3"
  | "h4"
  | "h5"
  | "h6"
  | "head"
  | "header"
  | "hgroup"
  | "html"
  | "i"
  | "iframe"
  | "ins"
  | "kbd"
  | "label"
  | "legend"
  | "li"
  | "main"
  | "map"
  | "mark"
  | "menu"
  | "meter"
  | "nav"
  | "noscript"
  | "object"
  | "ol"
  | "optgroup"
  | "option"
  | "output"
  | "p"
  | "picture"
  | "pre"
  | "progress"
  | "q"
  | "rp"
  | "rt"
  | "ruby"
  | "s"
  | "samp"
  | "script"
  | "search"
  | "section"
  | "select"
  | "slot"
  | "small"
  | "span"
  | "strong"
  | "style"
  | "sub"
  | "summary"
  | "sup"
  | "table"
  | "tbody"
  | "td"
  | "template"
  | "textarea"
  | "tfoot"
  | "th"
  | "thead"
  | "time"
  | "title"
  | "tr"
  | "u"
  | "ul"
  | "var"
  | "video";

export type SvgTag =
  | "svg"
  | "g"
  | "path"
  | "circle"
  | "ellipse"
  | "rect"
  | "line"
  | "polyline"
  | "polygon"
  | "use"
  | "defs"
  | "symbol"
  | "text"
  | "tspan"
  | "linearGradient"
  | "radialGradient"
  | "stop"
  | "clipPath"
  | "mask"
  | "pattern";

type Extras<K extends string> = K extends keyof ElementExtras ? ElementExtras[K] : {};

/** Tag → accepted props, generated from the tag lists. */
export type IntrinsicElementMap = { [K in ContainerTag]: HTMLAttributes & Extras<K> } & {
  [K in VoidTag]: VoidAttributes & Extras<K>;
} & { [K in SvgTag]: HTMLAttributes & SvgAttributes };

/** Attributes of an autonomous custom element: anything goes besides the typed ones. */
export interface CustomElementAttributes extends HTMLAttributes {
  [attr: string]: unknown;
}

export declare namespace JSX {
  /** What a JSX expression evaluates to. */
  type Element = VNode;
  /**
   * Valid tags: intrinsic names and components (stateful ones return a render function;
   * async ones a Promise of either, awaited by the renderers).
   */
  // biome-ignore lint/suspicious/noExplicitAny: any component props are allowed as a tag
  type ElementType = string | Component<any> | AsyncComponent<any>;
  interface ElementChildrenAttribute {
    /** TypeScript's marker: nested JSX children are checked against the `children` prop. */
    children: {};
  }
  interface IntrinsicAttributes {
    key?: Key | null | undefined;
  }
  interface IntrinsicElements extends IntrinsicElementMap {
    [customElement: `${string}-${string}`]: CustomElementAttributes;
  }
}

/**
 * A component whose setup is `async`: the live renderer shows nothing (or the nearest
 * `<Async>` fallback) until it resolves; streaming SSR awaits it in place.
 */
export type AsyncComponent<P = unknown> = (props: P) => Promise<VChild | (() => VChild)>;

/** Children a component may declare: `props: { children?: Children }`. */
export type Children = VChild;
