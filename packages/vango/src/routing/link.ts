/**
 * `<Link>`: an `<a>` that live navigation follows like any other, and that can warm its
 * route ahead of the click. With `prefetch`, the `Prefetch` client hook (an on-demand
 * chunk: the core client does not grow) tells the server once when the pointer rests on
 * the link, a press starts on it or it gets keyboard focus; the server warms the route
 * of the `href` it rendered (never a path the browser names), within the bounds of
 * `prefetch.ts`: see `PageView.prefetch`.
 */
import { ATTR_HOOK } from "../protocol/dom-attrs.ts";
import { useContext } from "../render/context.ts";
import { createVNode } from "../vdom/create-element.ts";
import { on } from "../vdom/event-binding.ts";
import type { JSX } from "../vdom/jsx-types.ts";
import type { VChild } from "../vdom/vnode.ts";
import { PageContext } from "./page-info.ts";

/** Props of {@link Link}: an `<a>`'s, with `href` required. */
export type LinkProps = Omit<JSX.IntrinsicElements["a"], "href"> & {
  readonly href: string;
  /** Warm the route when the link is about to be followed (hover, press, focus). */
  readonly prefetch?: boolean;
};

/**
 * The built-in hook `<Link prefetch>` puts on its `<a>` (what `hook("Prefetch")` gives;
 * written out, as `hooks/` builds on routing's page context).
 */
const PREFETCH_HOOK = { [ATTR_HOOK]: "Prefetch" } as const;

/**
 * @example
 * <Link href={`/items/${id}`} prefetch>Item {id}</Link>
 */
export function Link(props: LinkProps): () => VChild {
  const page = useContext(PageContext);
  const warm = on(() => page?.prefetch(props.href));
  return () => {
    const { prefetch, ...attrs } = props;
    return createVNode(
      "a",
      prefetch === true && page !== null ? { ...attrs, ...PREFETCH_HOOK, onPrefetch: warm } : attrs,
    );
  };
}
