/**
 * Children normalisation shared by `jsx()` and `h()`: nested arrays are flattened,
 * booleans/null/undefined dropped, and each run of adjacent primitives (and VText)
 * becomes one VText, so `Count: {n}` is a single text node, as the HTML parser would
 * make it. Empty runs produce no node. An object without the `$$typeof` brand (data
 * shaped like a node, e.g. from `JSON.parse`) is refused as `invalid_child`.
 */
import { VdomError, VdomErrorCode } from "./errors.ts";
import { VKind, VNODE, type VNode, type VText } from "./vnode.ts";

/**
 * Normalises a `children` prop (any nesting of VChild) into a flat node list.
 * @example
 * normalizeChildren(["Count: ", 3, [null, <b />]]); // [VText "Count: 3", VElement b]
 */
export function normalizeChildren(children: unknown): VNode[] {
  if (children === undefined || children === null || typeof children === "boolean") {
    return [];
  }
  const out: VNode[] = [];
  const rest = walk(children, out, null);
  if (rest !== null && rest !== "") out.push(text(rest));
  return out;
}

function text(s: string): VText {
  return { $$typeof: VNODE, kind: VKind.Text, text: s };
}

/**
 * Appends the nodes of `c` to `out`; `pending` is the text run not yet emitted
 * (null = none). Returns the run still open after `c`.
 */
function walk(c: unknown, out: VNode[], pending: string | null): string | null {
  switch (typeof c) {
    case "string":
      return pending === null ? c : pending + c;
    case "number":
    case "bigint":
      return pending === null ? String(c) : pending + String(c);
    case "boolean":
    case "undefined":
      return pending;
    case "object": {
      if (c === null) return pending;
      if (Array.isArray(c)) {
        let p = pending;
        for (let i = 0; i < c.length; i++) p = walk(c[i], out, p);
        return p;
      }
      if ((c as { $$typeof?: unknown }).$$typeof !== VNODE) {
        throw new VdomError(
          VdomErrorCode.invalidChild,
          "an object that is not a VNode (no $$typeof brand) cannot be a child",
        );
      }
      const kind = (c as VNode).kind;
      if (kind === VKind.Text) {
        const t = (c as VText).text;
        return pending === null ? t : pending + t;
      }
      if (
        kind === VKind.Element ||
        kind === VKind.Fragment ||
        kind === VKind.Component ||
        kind === VKind.Raw
      ) {
        if (pending !== null && pending !== "") out.push(text(pending));
        out.push(c as VNode);
        return null;
      }
      break;
    }
  }
  throw new VdomError(
    VdomErrorCode.invalidChild,
    `cannot render a ${typeof c} as an element child (call the function or pass a node)`,
  );
}
