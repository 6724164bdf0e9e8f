/**
 * Builders for host trees and a recording `DiffHost`, shared by the diff tests.
 */
import type { DiffHost } from "../../src/vdom/diff.ts";
import { type HElement, HKind, type HNode, type HRaw, type HText } from "../../src/vdom/host.ts";
import type { Key } from "../../src/vdom/vnode.ts";

export function el(
  tag: string,
  attrs: Record<string, string> = {},
  children: HNode[] = [],
  key?: Key,
): HElement {
  return { kind: HKind.Element, tag, hid: 0, attrs, children, key, handlers: null };
}

/** A keyed element. */
export function kel(key: Key, tag: string, children: HNode[] = [], attrs = {}): HElement {
  return el(tag, attrs, children, key);
}

export function txt(text: string): HText {
  return { kind: HKind.Text, text };
}

export function rawNode(html: string): HRaw {
  return { kind: HKind.Raw, html };
}

/** Keyed `<li>` rows with their key as text: `rows("a", "b")`. */
export function rows(...keys: string[]): HElement[] {
  return keys.map((k) => kel(k, "li", [txt(k)]));
}

export interface RecordingHost extends DiffHost {
  readonly mountedHids: number[];
  readonly unmountedHids: number[];
  readonly updatedHids: number[];
  /** Clears the call logs (hid allocation continues). */
  reset(): void;
}

/** A host that allocates hids from `first` upwards and logs every callback by hid. */
export function recordingHost(first = 1): RecordingHost {
  let next = first;
  const mountedHids: number[] = [];
  const unmountedHids: number[] = [];
  const updatedHids: number[] = [];
  return {
    mountedHids,
    unmountedHids,
    updatedHids,
    nextHid: () => next++,
    mounted: (e) => mountedHids.push(e.hid),
    unmounted: (e) => unmountedHids.push(e.hid),
    updated: (e) => updatedHids.push(e.hid),
    reset() {
      mountedHids.length = 0;
      unmountedHids.length = 0;
      updatedHids.length = 0;
    },
  };
}

/** Every element hid of a tree, in pre-order. */
export function hidsOf(node: HNode, out: number[] = []): number[] {
  if (node.kind !== HKind.Element) return out;
  out.push(node.hid);
  for (const c of node.children) hidsOf(c, out);
  return out;
}
