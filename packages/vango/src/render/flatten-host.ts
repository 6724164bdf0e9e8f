/**
 * Fibers → an element's flattened host child list: fragments and components are
 * transparent, adjacent texts are merged (as the HTML parser merges them), empty texts
 * dropped, and a raw node must be the only child (the invariants of `vdom/host.ts`).
 */
import { HKind, type HNode } from "../vdom/host.ts";
import { VKind } from "../vdom/vnode.ts";
import type { ElementFiber, Fiber, TextFiber } from "./mount-fiber.ts";
import { RenderError, RenderErrorCode } from "./render-error.ts";

/**
 * The host child list produced by `fibers`. Element and text nodes are the fibers' own
 * host objects (so unchanged ones are shared with the previous list); a merged text is
 * a new node. `prev` itself is returned when the list would hold the same nodes.
 * @example
 * flattenFibers([text("a"), component(→ [text("b"), el]), text("")]); // [HText "ab", el]
 */
export function flattenFibers(fibers: readonly Fiber[], prev?: HNode[]): HNode[] {
  if (prev !== undefined && matchHosts(fibers, prev, 0) === prev.length) return prev;
  if (isFlat(fibers)) {
    const n = fibers.length;
    // The list is retained in the host tree: size it exactly (an array grown by `push`
    // keeps room for 17 items, ~136 B of slack for the usual one or two children).
    const exact: HNode[] = new Array(n);
    for (let i = 0; i < n; i++) exact[i] = (fibers[i] as ElementFiber | TextFiber).host;
    return exact;
  }
  const out: HNode[] = [];
  if (pushFibers(fibers, out) && out.length !== 1) {
    throw new RenderError(
      RenderErrorCode.rawNotOnlyChild,
      "trusted raw HTML must be the only child of its element",
    );
  }
  return out;
}

/**
 * Compares the host nodes `fibers` produce with `list` from index `k`, one by one;
 * returns the index after them, or -1 at the first difference. `list` is a valid child
 * list (no adjacent texts), so texts that would be merged never match it.
 */
function matchHosts(fibers: readonly Fiber[], list: readonly HNode[], k: number): number {
  for (let i = 0; i < fibers.length; i++) {
    const f = fibers[i]!;
    switch (f.kind) {
      case VKind.Text:
        if (f.host.text === "") break;
        if (list[k] !== f.host) return -1;
        k++;
        break;
      case VKind.Element:
      case VKind.Raw:
        if (list[k] !== f.host) return -1;
        k++;
        break;
      default:
        k = matchHosts(f.children, list, k);
        if (k < 0) return -1;
    }
  }
  return k;
}

/**
 * Whether `fibers` map one-to-one onto host nodes: only elements and non-empty texts,
 * no two texts side by side (nothing to merge, drop or check).
 */
function isFlat(fibers: readonly Fiber[]): boolean {
  let prevText = false;
  for (let i = 0; i < fibers.length; i++) {
    const f = fibers[i]!;
    if (f.kind === VKind.Element) prevText = false;
    else if (f.kind === VKind.Text && !prevText && f.host.text !== "") prevText = true;
    else return false;
  }
  return true;
}

/** Appends the host nodes of `fibers` to `out`; returns whether a raw node was among them. */
function pushFibers(fibers: readonly Fiber[], out: HNode[]): boolean {
  let raw = false;
  for (let i = 0; i < fibers.length; i++) {
    const f = fibers[i]!;
    switch (f.kind) {
      case VKind.Element:
        out.push(f.host);
        break;
      case VKind.Text: {
        const t = f.host;
        if (t.text === "") break;
        const last = out.length === 0 ? undefined : out[out.length - 1]!;
        if (last !== undefined && last.kind === HKind.Text) {
          out[out.length - 1] = { kind: HKind.Text, text: last.text + t.text };
        } else {
          out.push(t);
        }
        break;
      }
      case VKind.Raw:
        out.push(f.host);
        raw = true;
        break;
      default:
        if (pushFibers(f.children, out)) raw = true;
    }
  }
  return raw;
}

/**
 * Appends to `out` the host elements `fibers` produce at the top level, if that is all
 * they produce (empty texts aside); returns false as soon as a text or raw node shows up,
 * since those merge with or constrain their neighbours.
 */
export function topElementHosts(fibers: readonly Fiber[], out: HNode[]): boolean {
  for (let i = 0; i < fibers.length; i++) {
    const f = fibers[i]!;
    switch (f.kind) {
      case VKind.Element:
        out.push(f.host);
        break;
      case VKind.Text:
        if (f.host.text !== "") return false;
        break;
      case VKind.Raw:
        return false;
      default:
        if (!topElementHosts(f.children, out)) return false;
    }
  }
  return true;
}
