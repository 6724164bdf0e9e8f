/**
 * Children normalisation shared by `jsx()` and `h()`: nested arrays are flattened,
 * booleans/null/undefined dropped, and each run of adjacent primitives (and VText)
 * becomes one VText, so `Count: {n}` is a single text node, as the HTML parser would
 * make it. Empty runs produce no node. An object without the `$$typeof` brand (data
 * shaped like a node, e.g. from `JSON.parse`) is refused as `invalid_child`.
 *
 * Lists come out sized exactly: an element's list lives as long as the element is
 * mounted (its fiber keeps the node), and an array grown by `push` keeps room for 17.
 */
import { VdomError, VdomErrorCode } from "./errors.ts";
import { VKind, VNODE, type VNode, type VText } from "./vnode.ts";

/** The list of every childless node; frozen, shared. */
export const NO_CHILDREN: VNode[] = Object.freeze([]) as unknown as VNode[];

/**
 * Nodes collected so far: `items[0…n)`. A list is collected into the shared sink and
 * copied out at its exact size. The sink is emptied by clearing its slots, never by
 * shortening it: `length = 0` drops the backing store, and `pop` trims it as the list
 * shrinks, so that the next list would allocate one again.
 */
interface Sink {
  items: (VNode | undefined)[];
  n: number;
}

const shared: Sink = { items: [], n: 0 };
let sharedBusy = false;

/**
 * Normalises a `children` prop (any nesting of VChild) into a flat node list.
 * @example
 * normalizeChildren(["Count: ", 3, [null, <b />]]); // [VText "Count: 3", VElement b]
 */
export function normalizeChildren(children: unknown): VNode[] {
  switch (typeof children) {
    case "undefined":
    case "boolean":
      return NO_CHILDREN;
    case "string":
      return children === "" ? NO_CHILDREN : [text(children)];
    case "number":
    case "bigint":
      return [text(String(children))];
    case "object": {
      if (children === null) return NO_CHILDREN;
      if (Array.isArray(children)) return normalizeChildList(children);
      if ((children as VNode).$$typeof !== VNODE) break;
      const kind = (children as VNode).kind;
      if (kind === VKind.Text) {
        return (children as VText).text === "" ? NO_CHILDREN : [children as VNode];
      }
      if (
        kind === VKind.Element ||
        kind === VKind.Fragment ||
        kind === VKind.Component ||
        kind === VKind.Raw
      ) {
        return [children as VNode];
      }
      break;
    }
  }
  // Not a child: `walk` throws the error that says why.
  return normalizeChildList([children]);
}

/** `normalizeChildren` of an array of children (or any list-like object). */
export function normalizeChildList(list: ArrayLike<unknown>): VNode[] {
  const sink = takeSink();
  try {
    let pending: string | null = null;
    for (let i = 0; i < list.length; i++) pending = walk(list[i], sink, pending);
    return finish(sink, pending);
  } finally {
    releaseSink(sink);
  }
}

/** `normalizeChildList([a, b])` without the array (`h()` with two children). */
export function normalizeChildPair(a: unknown, b: unknown): VNode[] {
  const sink = takeSink();
  try {
    return finish(sink, walk(b, sink, walk(a, sink, null)));
  } finally {
    releaseSink(sink);
  }
}

/** `normalizeChildList([a, b, c])` without the array (`h()` with three children). */
export function normalizeChildTriple(a: unknown, b: unknown, c: unknown): VNode[] {
  const sink = takeSink();
  try {
    return finish(sink, walk(c, sink, walk(b, sink, walk(a, sink, null))));
  } finally {
    releaseSink(sink);
  }
}

/** The shared sink, or a new one while the shared one is in use (nested normalisation). */
function takeSink(): Sink {
  if (sharedBusy) return { items: [], n: 0 };
  sharedBusy = true;
  return shared;
}

function releaseSink(sink: Sink): void {
  const items = sink.items;
  for (let i = 0; i < sink.n; i++) items[i] = undefined;
  sink.n = 0;
  if (sink === shared) sharedBusy = false;
}

/** The list collected in `sink`, ended by the open run `pending`, at its exact size. */
function finish(sink: Sink, pending: string | null): VNode[] {
  if (pending !== null && pending !== "") add(sink, text(pending));
  return sink.n === 0 ? NO_CHILDREN : (sink.items.slice(0, sink.n) as VNode[]);
}

function add(sink: Sink, node: VNode): void {
  sink.items[sink.n++] = node;
}

function text(s: string): VText {
  return { $$typeof: VNODE, kind: VKind.Text, text: s };
}

/**
 * Adds the nodes of `c` to `sink`; `pending` is the text run not yet emitted
 * (null = none). Returns the run still open after `c`.
 */
function walk(c: unknown, sink: Sink, pending: string | null): string | null {
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
        for (let i = 0; i < c.length; i++) p = walk(c[i], sink, p);
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
        if (pending !== null && pending !== "") add(sink, text(pending));
        add(sink, c as VNode);
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
