/**
 * Public surface of the vdom layer: node construction, trusted HTML, event bindings and
 * payload types, the keyed diff. The package entry re-exports what apps need.
 */
export { normalizeChildren } from "./children.ts";
export {
  createVNode,
  type ElementType,
  Fragment,
  h,
  h as createElement,
} from "./create-element.ts";
export { assignHids, type DiffHost, diff } from "./diff.ts";
export { VdomError, VdomErrorCode } from "./errors.ts";
export { type Binding, type EventModifiers, type Handler, on } from "./event-binding.ts";
export * from "./events.ts";
export type * from "./html-attributes.ts";
export type { AsyncComponent, Children, IntrinsicElementMap, JSX } from "./jsx-types.ts";
export { raw, trustedHtml } from "./trusted-html.ts";
