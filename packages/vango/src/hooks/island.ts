/**
 * `<Island src="./chart.client.ts" props={…}>`: an element whose content the browser
 * renders with one of the app's modules (any library, any framework), while the server
 * owns its props. The module is a hook (`defineHook`): it mounts into `ctx.el` with
 * `ctx.options` as the props, and `updated(props)` receives every change the server
 * renders. The server renders the empty container, so its diff never touches what the
 * island draws inside.
 */
import { createVNode } from "../vdom/create-element.ts";
import type { HTMLAttributes } from "../vdom/html-attributes.ts";
import type { VNode } from "../vdom/vnode.ts";
import { hook } from "./hook.ts";

export interface IslandProps<P> extends Omit<HTMLAttributes, "children"> {
  /** The module, relative to the app's `clientDir` (`./chart.client.ts`). */
  src: string;
  /** Props for the module (JSON); kept in sync from the server. */
  props?: P;
  /** The container's tag (default `div`). */
  as?: "div" | "span" | "section" | "figure";
  children?: never;
}

/**
 * @example
 * <Island src="./chart.client.ts" props={{ points: points() }} class="chart" />
 */
export function Island<P = unknown>(props: IslandProps<P>): VNode {
  const { src, props: islandProps, as, ...attrs } = props;
  return createVNode(as ?? "div", {
    ...attrs,
    ...hook(src, islandProps === undefined ? null : islandProps),
  });
}
