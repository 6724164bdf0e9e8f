/**
 * Fibers → an element's flattened host child list: fragments and components are
 * transparent, adjacent texts are merged (as the HTML parser merges them), empty texts
 * dropped, and a raw node must be the only child (the invariants of `vdom/host.ts`).
 */
import { HKind, type HNode } from "../vdom/host.ts";
import { VKind } from "../vdom/vnode.ts";
import type { Fiber } from "./mount-fiber.ts";
import { RenderError, RenderErrorCode } from "./render-error.ts";

/**
 * The host child list produced by `fibers`. Element and text nodes are the fibers' own
 * host objects (so unchanged ones are shared with the previous list); a merged text is
 * a new node.
 * @example
 * flattenFibers([text("a"), component(→ [text("b"), el]), text("")]); // [HText "ab", el]
 */
export function flattenFibers(fibers: readonly Fiber[]): HNode[] {
  const out: HNode[] = [];
  if (pushFibers(fibers, out) && out.length !== 1) {
    throw new RenderError(
      RenderErrorCode.rawNotOnlyChild,
      "trusted raw HTML must be the only child of its element",
    );
  }
  return out;
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
