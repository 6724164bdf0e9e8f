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
  /** `classList.add(name)`. */
  AddClass: 10,
  /** `classList.remove(name)`. */
  RemoveClass: 11,
  /** `classList.toggle(name)`. */
  ToggleClass: 12,
  /** `style.setProperty(name, value)`; `name` is the CSS property (`color`, `--gap`). */
  SetStyle: 13,
  /** `style.removeProperty(name)`. */
  RemoveStyle: 14,
  /** Set `data-<name>`; `name` is the attribute suffix (`user-id`), never `hid` or `on`. */
  SetData: 15,
  /** Remove `data-<name>`. */
  RemoveData: 16,
  /** `focus()` the element. */
  Focus: 17,
  /** `blur()` the element. */
  Blur: 18,
  /** `scrollIntoView({ block: align, behavior })`. */
  ScrollIntoView: 19,
  /** Scroll element `hid` (0 = the window) to `top`/`left` CSS pixels. */
  ScrollTo: 20,
  /** `history.pushState` to `url` without a page load. */
  PushUrl: 21,
  /** `history.replaceState` to `url` without a page load. */
  ReplaceUrl: 22,
  /** Full page navigation (`location.assign`, or `location.replace` when `replace`). */
  Navigate: 23,
  /** Dispatch a `CustomEvent(name, { detail: payload })` on element `hid` (0 = window). */
  Dispatch: 24,
  /** `document.title = text` (live navigation, `useTitle`). */
  SetTitle: 25,
} as const;
export type PatchOp = (typeof PatchOp)[keyof typeof PatchOp];

/** Properties that reflect live form state; a change is sent as `SetProp`, not `SetAttr`. */
export const LIVE_PROPS = ["value", "checked", "selected"] as const;
export type LiveProp = (typeof LIVE_PROPS)[number];

export type PropValue = string | boolean;

/** `block` option of `scrollIntoView`. */
export const ScrollAlign = { Start: 0, Center: 1, End: 2, Nearest: 3 } as const;
export type ScrollAlign = (typeof ScrollAlign)[keyof typeof ScrollAlign];

/** A JSON-like value (hook/custom/dispatch payloads); numbers may also be NaN/±Infinity/-0. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

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
  | { readonly op: typeof PatchOp.SetHtml; readonly hid: number; readonly html: string }
  | {
      readonly op:
        | typeof PatchOp.AddClass
        | typeof PatchOp.RemoveClass
        | typeof PatchOp.ToggleClass
        | typeof PatchOp.RemoveStyle
        | typeof PatchOp.RemoveData;
      readonly hid: number;
      readonly name: string;
    }
  | {
      readonly op: typeof PatchOp.SetStyle | typeof PatchOp.SetData;
      readonly hid: number;
      readonly name: string;
      readonly value: string;
    }
  | { readonly op: typeof PatchOp.Focus | typeof PatchOp.Blur; readonly hid: number }
  | {
      readonly op: typeof PatchOp.ScrollIntoView;
      readonly hid: number;
      readonly align: ScrollAlign;
      readonly smooth: boolean;
    }
  | {
      readonly op: typeof PatchOp.ScrollTo;
      readonly hid: number;
      readonly top: number;
      readonly left: number;
      readonly smooth: boolean;
    }
  | { readonly op: typeof PatchOp.PushUrl | typeof PatchOp.ReplaceUrl; readonly url: string }
  | { readonly op: typeof PatchOp.SetTitle; readonly text: string }
  | { readonly op: typeof PatchOp.Navigate; readonly url: string; readonly replace: boolean }
  | {
      readonly op: typeof PatchOp.Dispatch;
      readonly hid: number;
      readonly name: string;
      readonly payload: JsonValue;
    };
