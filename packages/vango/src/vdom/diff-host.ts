/**
 * The callbacks a diff reports to, and the subtree walks it shares: fresh hids for new
 * subtrees, unmount notifications for removed ones.
 */
import { type HElement, HKind, type HNode } from "./host.ts";

/** What the diff needs from its owner (the session's renderer). */
export interface DiffHost {
  /** Allocates a fresh hid for an element that did not exist before. */
  nextHid(): number;
  /** Called for every element of an inserted/replacing subtree, after its hid is set. */
  mounted(el: HElement): void;
  /** Called for every element of a removed/replaced subtree. */
  unmounted(el: HElement): void;
  /** A matched element: the new node now carries the old node's hid. */
  updated(el: HElement): void;
}

/**
 * Assigns fresh hids to a new subtree in document pre-order, calling `host.mounted` for
 * each element right after its hid is set. A descendant that already carries a hid
 * belongs to another live tree; it is replaced in its parent by a fresh copy so the
 * other tree keeps its hids.
 * @example
 * let n = 0;
 * assignHids(root, { nextHid: () => ++n, mounted() {}, unmounted() {}, updated() {} });
 */
export function assignHids(node: HNode, host: DiffHost): void {
  if (node.kind !== HKind.Element) return;
  node.hid = host.nextHid();
  host.mounted(node);
  const c = node.children;
  for (let i = 0; i < c.length; i++) mountAt(c, i, host);
}

/** Mounts `list[i]` as a new node (copying it first if it already has a hid); returns it. */
export function mountAt(list: HNode[], i: number, host: DiffHost): HNode {
  let node = list[i]!;
  if (node.kind === HKind.Element && node.hid !== 0) {
    node = cloneFresh(node);
    list[i] = node;
  }
  assignHids(node, host);
  return node;
}

/** Reports every element of a removed subtree to `host.unmounted`, in pre-order. */
export function unmountTree(node: HNode, host: DiffHost): void {
  if (node.kind !== HKind.Element) return;
  host.unmounted(node);
  const c = node.children;
  for (let i = 0; i < c.length; i++) unmountTree(c[i]!, host);
}

/**
 * A deep copy of `el` with every hid reset to 0. Texts and raw nodes are immutable to
 * the diff, so they are shared.
 */
export function cloneFresh(el: HElement): HElement {
  const src = el.children;
  const children: HNode[] = new Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    children[i] = c.kind === HKind.Element ? cloneFresh(c) : c;
  }
  return {
    kind: HKind.Element,
    tag: el.tag,
    hid: 0,
    attrs: { ...el.attrs },
    children,
    key: el.key,
    handlers: el.handlers,
  };
}
