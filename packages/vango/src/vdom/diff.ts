/**
 * The keyed diff of host trees: turns the DOM of the previous render into the next one
 * with a minimal-move patch list, carrying hids over to the matched nodes.
 */
import type { Patch } from "../protocol/patch.ts";
import { patchElement } from "./diff-children.ts";
import type { DiffHost } from "./diff-host.ts";
import type { HElement } from "./host.ts";

export { assignHids, type DiffHost } from "./diff-host.ts";

/**
 * Appends to `out` the patches that turn the DOM of `prev` into `next`. Both are the
 * same root element (same hid, same tag). Nodes of `next` arrive with hid 0: matched
 * ones get the old hid, new ones `host.nextHid()`, assigned in document pre-order.
 * `prev` is never modified. A subtree that is the same object in both trees (at a
 * matched place) is skipped entirely; a node of `next` that still carries the hid of
 * some other live element is copied before it is given a hid.
 * @example
 * const out: Patch[] = [];
 * diff(prevTree, nextTree, host, out);
 * send(encodePatches(out));
 */
export function diff(prev: HElement, next: HElement, host: DiffHost, out: Patch[]): void {
  if (prev === next) return;
  patchElement(prev, next, host, out);
}
