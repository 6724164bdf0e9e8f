/**
 * The automatic JSX runtime (`"jsxImportSource": "vango"`): the compiler calls `jsx`
 * for one child or none, `jsxs` for static child arrays; both build the same VNodes.
 * @example
 * // tsconfig.json: { "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "vango" } }
 * const view = <p class="count">Count: {n}</p>; // VElement p, one VText "Count: 3"
 */
import { createVNode, type ElementType, Fragment } from "./vdom/create-element.ts";
import type { Key, Props, VNode } from "./vdom/vnode.ts";

export type { JSX } from "./vdom/jsx-types.ts";
export { Fragment };

/**
 * Builds the node for one JSX expression; `key` is the `key` attribute, if any.
 * @example
 * jsx("li", { class: "row", children: "a" }, 1);
 */
export function jsx(type: ElementType, props: Props, key?: Key): VNode {
  return createVNode(type, props, key);
}

/**
 * `jsx` for elements whose children are a static array (same result).
 * @example
 * jsxs("ul", { children: [jsx("li", {}), jsx("li", {})] });
 */
export const jsxs: typeof jsx = jsx;
