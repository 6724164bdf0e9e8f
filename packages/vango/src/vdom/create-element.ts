/**
 * VNode construction: the core of the JSX runtime and of `h()`.
 */
import { normalizeChildren } from "./children.ts";
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
    const own: Props = {};
    for (const name in p) {
      if (name !== "children" && name !== "key") own[name] = p[name];
    }
    const el: VElement = {
      $$typeof: VNODE,
      kind: VKind.Element,
      tag: type,
      key: k,
      props: own,
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
 * Hyperscript for non-TSX code: same nodes as JSX. Rest `children` override
 * `props.children`; a component gets a single child as is, several as an array.
 * @example
 * h("ul", { class: "list" }, items.map((it) => h("li", { key: it.id }, it.label)));
 * h(Counter, { start: 3 });
 */
export function h(type: ElementType, props?: Props | null, ...children: unknown[]): VNode {
  if (children.length === 0) return createVNode(type, props ?? null);
  const merged: Props = {};
  if (props) for (const name in props) merged[name] = props[name];
  merged.children = children.length === 1 ? children[0] : children;
  return createVNode(type, merged);
}
