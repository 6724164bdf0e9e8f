/**
 * Patch and node shapes as they travel on the wire.
 *
 * The protocol is the lowest layer (it has no imports from the rest of Vango) because
 * the browser client depends on it alone; the server's host tree (`vdom/host.ts`)
 * extends these shapes, so a diff's output is encodable as is.
 *
 * Elements are addressed by hid; child positions by (parent hid, index into the
 * parent's current DOM child list). Patches in a list apply in order, and each index
 * refers to the child list as it is after the previous patches.
 */

export const NodeKind = { Element: 1, Text: 2, Raw: 5 } as const;
export type NodeKind = (typeof NodeKind)[keyof typeof NodeKind];

export interface WireElement {
  readonly kind: typeof NodeKind.Element;
  readonly tag: string;
  /** Hydration id: unique per session, assigned in document pre-order at first render. */
  hid: number;
  /** Normalised attributes, in a deterministic order, values already strings ("" for boolean true). */
  attrs: Record<string, string>;
  children: WireNode[];
}

export interface WireText {
  readonly kind: typeof NodeKind.Text;
  text: string;
}

export interface WireRaw {
  readonly kind: typeof NodeKind.Raw;
  /** Markup the application marked as trusted; inserted with `innerHTML` semantics. */
  html: string;
}

export type WireNode = WireElement | WireText | WireRaw;

export const PatchOp = {
  /** Replace the text of the text node at `parent.childNodes[index]`. */
  SetText: 1,
  SetAttr: 2,
  RemoveAttr: 3,
  /** Set a live DOM property (`value`, `checked`, `selected`), not the attribute. */
  SetProp: 4,
  /** Insert a new subtree (carrying its hids) at `index` in `parent`. */
  Insert: 5,
  Remove: 6,
  /** Move the child at `from` so that it ends up at index `to` (`to` counted after removal). */
  Move: 7,
  /** Replace the child at `index` with a new subtree. */
  Replace: 8,
  /** Replace all content of element `hid` with trusted raw HTML. */
  SetHtml: 9,
} as const;
export type PatchOp = (typeof PatchOp)[keyof typeof PatchOp];

/** Properties that reflect live form state; a change is sent as `SetProp`, not `SetAttr`. */
export const LIVE_PROPS = ["value", "checked", "selected"] as const;
export type LiveProp = (typeof LIVE_PROPS)[number];

export type PropValue = string | boolean;

export type Patch =
  | {
      readonly op: typeof PatchOp.SetText;
      readonly parent: number;
      readonly index: number;
      readonly text: string;
    }
  | {
      readonly op: typeof PatchOp.SetAttr;
      readonly hid: number;
      readonly name: string;
      readonly value: string;
    }
  | { readonly op: typeof PatchOp.RemoveAttr; readonly hid: number; readonly name: string }
  | {
      readonly op: typeof PatchOp.SetProp;
      readonly hid: number;
      readonly name: LiveProp;
      readonly value: PropValue;
    }
  | {
      readonly op: typeof PatchOp.Insert;
      readonly parent: number;
      readonly index: number;
      readonly node: WireNode;
    }
  | { readonly op: typeof PatchOp.Remove; readonly parent: number; readonly index: number }
  | {
      readonly op: typeof PatchOp.Move;
      readonly parent: number;
      readonly from: number;
      readonly to: number;
    }
  | {
      readonly op: typeof PatchOp.Replace;
      readonly parent: number;
      readonly index: number;
      readonly node: WireNode;
    }
  | { readonly op: typeof PatchOp.SetHtml; readonly hid: number; readonly html: string };
