/**
 * VNode construction: the core of the JSX runtime and of `h()`.
 */
import {
  normalizeChildList,
  normalizeChildPair,
  normalizeChildren,
  normalizeChildTriple,
} from "./children.ts";
import {
  type Component,
  type Key,
  type Props,
  type VChild,
  type VComponent,
  type VElement,
  type VFragment,
  VKind,
  VNODE,
  type VNode,
} from "./vnode.ts";

/**
 * Groups children without a wrapper element (`<>…</>`); it never runs, `jsx()` turns it
 * into a VFragment, which may carry a key.
 * @example
 * <Fragment key={row.id}><dt>{row.k}</dt><dd>{row.v}</dd></Fragment>
 */
export function Fragment(props: { children?: VChild; key?: Key }): VChild {
  return props.children;
}

export type ElementType = string | Component | typeof Fragment;

/** The props of every element written without any; frozen, shared. */
const NO_PROPS: Props = Object.freeze({}) as Props;

function toKey(k: unknown): Key | undefined {
  if (k === undefined || k === null) return undefined;
  return typeof k === "number" ? k : String(k);
}

/**
 * Builds the node for `type` from compiled-JSX props (`children` inside `props`).
 * `key` falls back to `props.key`; it never stays in the node's props.
 * @example
 * createVNode("li", { class: "row", children: "x" }, 7); // VElement li, key 7
 */
export function createVNode(type: ElementType, props: Props | null, key?: Key): VNode {
  const p: Props = props ?? {};
  const k = key !== undefined ? key : toKey(p.key);
  if (typeof type === "string") {
    const el: VElement = {
      $$typeof: VNODE,
      kind: VKind.Element,
      tag: type,
      key: k,
      props: elementProps(p),
      children: normalizeChildren(p.children),
    };
    return el;
  }
  if (type === Fragment) {
    const frag: VFragment = {
      $$typeof: VNODE,
      kind: VKind.Fragment,
      key: k,
      children: normalizeChildren(p.children),
    };
    return frag;
  }
  let own = p;
  if ("key" in p) {
    own = {};
    for (const name in p) if (name !== "key") own[name] = p[name];
  }
  const comp: VComponent = {
    $$typeof: VNODE,
    kind: VKind.Component,
    type: type as Component,
    key: k,
    props: own,
  };
  return comp;
}

/**
 * An element's own props: `props` without `children` and `key`, copied (the caller may
 * reuse its object); the shared empty props when nothing is left.
 */
function elementProps(props: Props): Props {
  let own: Props | null = null;
  for (const name in props) {
    if (name === "children" || name === "key") continue;
    if (own === null) own = {};
    own[name] = props[name];
  }
  return own ?? NO_PROPS;
}

/**
 * Hyperscript for non-TSX code: same nodes as JSX. Rest `children` override
 * `props.children`; a component gets a single child as is, several as an array.
 * @example
 * h("ul", { class: "list" }, items.map((it) => h("li", { key: it.id }, it.label)));
 * h(Counter, { start: 3 });
 */
export function h(type: ElementType, props?: Props | null, ...children: unknown[]): VNode;
export function h(
  type: ElementType,
  props?: Props | null,
  c0?: unknown,
  c1?: unknown,
  c2?: unknown,
): VNode {
  // Up to three children are named parameters: a rest parameter would build an array (and
  // a merged props object) on every call, only to be flattened and dropped.
  // biome-ignore lint/complexity/noArguments: the count tells `h(t, p, undefined)` from `h(t, p)`
  const n = arguments.length;
  if (typeof type === "string") {
    const p = props ?? null;
    let children: VNode[];
    if (n <= 2) children = normalizeChildren(p === null ? undefined : p.children);
    else if (n === 3) children = normalizeChildren(c0);
    else if (n === 4) children = normalizeChildPair(c0, c1);
    else if (n === 5) children = normalizeChildTriple(c0, c1, c2);
    // biome-ignore lint/complexity/noArguments: four or more children (rare)
    else children = normalizeChildList(Array.prototype.slice.call(arguments, 2));
    const el: VElement = {
      $$typeof: VNODE,
      kind: VKind.Element,
      tag: type,
      key: p === null ? undefined : toKey(p.key),
      props: p === null ? NO_PROPS : elementProps(p),
      children,
    };
    return el;
  }
  if (n <= 2) return createVNode(type, props ?? null);
  const merged: Props = {};
  if (props) for (const name in props) merged[name] = props[name];
  // biome-ignore lint/complexity/noArguments: the children as given
  merged.children = n === 3 ? c0 : Array.prototype.slice.call(arguments, 2);
  return createVNode(type, merged);
}
