/**
 * Recovery after a failed flush: new host objects (hid 0) for every element fiber, so
 * that one diff of the whole root against the live tree brings the client back in line
 * with the fibers, whatever the failed flush had already done to them. Fiber ids stay
 * the keys, so the diff pairs every surviving node with its live counterpart.
 */
import type { HElement, HNode } from "../vdom/host.ts";
import { VKind } from "../vdom/vnode.ts";
import { normalizeProps } from "./attrs.ts";
import { flattenFibers } from "./flatten-host.ts";
import { type ElementFiber, type Fiber, newHostElement } from "./mount-fiber.ts";

/** A copy of live element `el` (same hid, attributes, handlers) with `children`. */
export function shellOf(el: HElement, children: HNode[]): HElement {
  return {
    kind: el.kind,
    tag: el.tag,
    hid: el.hid,
    attrs: el.attrs,
    children,
    key: el.key,
    handlers: el.handlers,
  };
}

/** Gives every element fiber under `fibers` a fresh host subtree. */
export function rebuildHostList(fibers: readonly Fiber[]): void {
  for (let i = 0; i < fibers.length; i++) {
    const f = fibers[i]!;
    switch (f.kind) {
      case VKind.Element:
        rebuildHost(f);
        break;
      case VKind.Fragment:
      case VKind.Component:
        rebuildHostList(f.children);
        break;
      default:
        break;
    }
  }
}

function rebuildHost(f: ElementFiber): void {
  const v = f.vnode!;
  const { attrs, handlers } = normalizeProps(v.tag, v.props);
  const host = newHostElement(f.tag, f.fid, attrs, handlers);
  rebuildHostList(f.children);
  host.children = flattenFibers(f.children);
  f.host = host;
}
