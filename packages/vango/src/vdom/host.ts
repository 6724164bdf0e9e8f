/**
 * The host tree: what the browser's DOM holds, after components and fragments are
 * expanded. The diff, the SSR serializer and the protocol encoder speak host nodes.
 *
 * Invariants of every element's `children` list (the "flattened child list"):
 *  - no two `HText` are adjacent (adjacent texts are merged, as the HTML parser would);
 *  - no `HText` has an empty string (an empty text has no DOM node after parsing);
 *  - an `HRaw` is the only child of its element (its markup may parse into any number
 *    of DOM nodes, so siblings could not be addressed by index).
 * With these, the DOM `childNodes` of a server-rendered element correspond 1:1 to
 * `children`, so patches can address text nodes by (parent hid, index).
 */
import type { WireElement, WireRaw, WireText } from "../protocol/patch.ts";
import type { Key } from "./vnode.ts";

export { NodeKind as HKind } from "../protocol/patch.ts";

/** An event handler as bound in TSX: the function plus the modifiers the client honours. */
export interface EventBinding {
  // biome-ignore lint/suspicious/noExplicitAny: the event payload type depends on the event
  readonly handler: (event: any) => unknown;
  readonly prevent: boolean;
  readonly stop: boolean;
  readonly debounce: number;
  readonly throttle: number;
  readonly keys: readonly string[];
}

export interface HElement extends WireElement {
  readonly key: Key | undefined;
  /** DOM event name → binding; `null` when the element listens to nothing. */
  handlers: Record<string, EventBinding> | null;
  children: HNode[];
}

export type HText = WireText;
export type HRaw = WireRaw;
export type HNode = HElement | HText | HRaw;
