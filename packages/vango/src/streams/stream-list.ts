/**
 * `<StreamList of={s}>`: the container element of a stream. Its first render holds the
 * items added so far as markup; after that its children belong to the stream's patches
 * and the view's diff never touches them (the container's attributes still update).
 *
 * `onViewportTop` / `onViewportBottom` ask for more as the list's first or last item
 * comes near the viewport: they put the built-in `Viewport` hook on the container
 * (`client/hooks/viewport.ts`), which asks once per change of that edge's item.
 */
import { hook } from "../hooks/hook.ts";
import { currentScope, onMount } from "../render/context.ts";
import type { Instance } from "../render/instance.ts";
import type { ElementFiber } from "../render/mount-fiber.ts";
import { createVNode } from "../vdom/create-element.ts";
import type { Handler } from "../vdom/event-binding.ts";
import { raw, trustedHtml } from "../vdom/trusted-html.ts";
import type { Props, VNode } from "../vdom/vnode.ts";
import { type Stream, streamHosts } from "./stream.ts";

/** Payload of the viewport events. */
export interface ViewportEvent {
  readonly type: "viewporttop" | "viewportbottom";
  readonly target: number;
}

export type StreamListProps<T> = {
  /** The stream whose items the element holds. */
  readonly of: Stream<T>;
  /** Tag of the container (default `div`). */
  readonly as?: string;
  /** The first item came near the viewport (scrolling up). */
  readonly onViewportTop?: Handler<ViewportEvent>;
  /** The last item came near the viewport (scrolling down): load more. */
  readonly onViewportBottom?: Handler<ViewportEvent>;
} & Readonly<Record<string, unknown>>;

const OWN = new Set(["of", "as", "children", "onViewportTop", "onViewportBottom"]);

/**
 * @example
 * <StreamList of={feed} as="ul" class="feed" onViewportBottom={more} />
 */
export function StreamList<T>(props: StreamListProps<T>): () => VNode {
  const host = streamHosts.get(props.of as Stream<unknown>);
  if (host === undefined) throw new TypeError("StreamList: `of` must be a stream()");
  const content = raw(trustedHtml(host.takeInitialHtml()));
  const scope = currentScope() as Instance | null;
  onMount(() => {
    // The element this component renders is its only fiber.
    if (scope !== null) host.attach(() => (scope.children[0] as ElementFiber).host.hid);
    return () => host.detach();
  });
  return () => {
    const attrs: Props = {};
    for (const k of Object.keys(props)) if (!OWN.has(k)) attrs[k] = props[k];
    const top = props.onViewportTop;
    const bottom = props.onViewportBottom;
    if (top !== undefined || bottom !== undefined) {
      Object.assign(
        attrs,
        hook("Viewport", { top: top !== undefined, bottom: bottom !== undefined }),
      );
      if (top !== undefined) attrs.onViewportTop = top;
      if (bottom !== undefined) attrs.onViewportBottom = bottom;
    }
    attrs.children = content;
    return createVNode(props.as ?? "div", attrs);
  };
}
