/**
 * The development JSX runtime (`"jsx": "react-jsxdev"`, and bundlers in dev mode): same
 * nodes as `jsx-runtime`; the source location and `self` arguments are ignored.
 * @example
 * jsxDEV("p", { children: "hi" }, undefined, false, { fileName: "a.tsx", lineNumber: 1 });
 */
import { createVNode, type ElementType, Fragment } from "./vdom/create-element.ts";
import type { Key, Props, VNode } from "./vdom/vnode.ts";

export type { JSX } from "./vdom/jsx-types.ts";
export { Fragment };

/**
 * Builds the node for one JSX expression (dev build).
 * @example
 * jsxDEV("li", { children: "a" }, 1, false);
 */
export function jsxDEV(
  type: ElementType,
  props: Props,
  key?: Key,
  _isStaticChildren?: boolean,
  _source?: unknown,
  _self?: unknown,
): VNode {
  return createVNode(type, props, key);
}
