/**
 * The one props normalisation shared by SSR, the live renderer and the diff: TSX props
 * in, the element's attributes (strings, deterministic order) and event handlers out.
 */
import { ATTR_ON, encodeListeners, type ListenerSpec } from "../protocol/dom-attrs.ts";
import type { EventBinding } from "../vdom/host.ts";
import type { Props } from "../vdom/vnode.ts";
import { AttrKind, nameInfo } from "./attr-policy.ts";
import { attrValue } from "./attr-values.ts";

export interface NormalizedProps {
  attrs: Record<string, string>;
  handlers: Record<string, EventBinding> | null;
}

/**
 * Normalises TSX props into attributes and handlers.
 *
 * - `children`, `key`, `ref` are skipped; so are `data-hid`/`data-on` (the framework
 *   writes those), `srcdoc` and `dangerouslySetInnerHTML` (raw HTML only via VRaw).
 * - `onClick`-style props (`on` + capital) holding a function or an `EventBinding`
 *   become handlers keyed by the lowercased DOM event name (`onDoubleClick` is an alias
 *   of `onDblClick`). Every other prop whose name starts with "on" in any case is
 *   dropped, whatever its value.
 * - `className` → `class` (both given: joined); `htmlFor` → `for` (both: the later wins).
 *   `class` takes a string, nested arrays and `{ name: boolean }`; `style` a string or a
 *   record (see `styleValue`). Empty class/style are omitted.
 * - `true` → `""`, `false`/`null`/`undefined`/functions/symbols → omitted, numbers and
 *   bigints → `String`. `aria-*`, `draggable`, `spellcheck`, `contenteditable` write
 *   booleans as `"true"`/`"false"` (they are enumerated, not boolean, attributes).
 * - URL attributes whose scheme is `javascript:`, `vbscript:` or `data:text/html`
 *   (after dropping controls/whitespace and case-folding) are omitted; invalid
 *   attribute names are omitted.
 * - With handlers, `data-on` (the listener spec) is appended last.
 * - `<textarea value>` stays an attribute here; serializers write it as the escaped
 *   element content instead (the children are then ignored).
 *
 * Order: props' insertion order (an alias takes the position of the first of the pair),
 * then `data-on`.
 *
 * @example
 * normalizeProps("button", { className: ["btn", { on: true }], disabled: false, onClick: fn });
 * // { attrs: { class: "btn on", "data-on": "click" }, handlers: { click: { handler: fn, … } } }
 */
export function normalizeProps(tag: string, props: Props): NormalizedProps {
  const attrs: Record<string, string> = {};
  let handlers: Record<string, EventBinding> | null = null;
  for (const name in props) {
    const info = nameInfo(name);
    const kind = info.kind;
    if (kind === AttrKind.Skip) continue;
    if (kind === AttrKind.Handler) {
      const binding = toBinding(props[name]);
      if (binding !== null) {
        if (handlers === null) handlers = {};
        handlers[info.out] = binding;
      }
      continue;
    }
    const value = attrValue(kind, tag, props[name]);
    if (value === null) continue;
    const prev = info.alias === 0 ? undefined : attrs[info.out];
    attrs[info.out] = prev !== undefined && kind === AttrKind.Class ? prev + " " + value : value;
  }
  if (handlers !== null) attrs[ATTR_ON] = encodeHandlers(handlers);
  return { attrs, handlers };
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * A handler prop value as an `EventBinding`: a function gets no modifiers; an object
 * with a `handler` function is a binding (missing or mistyped modifier fields get their
 * defaults); anything else is `null` (no handler).
 *
 * @example
 * toBinding(() => {}); // { handler, prevent: false, stop: false, debounce: 0, throttle: 0, keys: [] }
 */
export function toBinding(value: unknown): EventBinding | null {
  if (typeof value === "function") {
    return {
      handler: value as EventBinding["handler"],
      prevent: false,
      stop: false,
      debounce: 0,
      throttle: 0,
      keys: NO_KEYS,
    };
  }
  if (value === null || typeof value !== "object") return null;
  const b = value as Partial<Record<keyof EventBinding, unknown>>;
  if (typeof b.handler !== "function") return null;
  if (
    typeof b.prevent === "boolean" &&
    typeof b.stop === "boolean" &&
    isMs(b.debounce) &&
    isMs(b.throttle) &&
    isKeyList(b.keys)
  ) {
    return value as EventBinding;
  }
  return {
    handler: b.handler as EventBinding["handler"],
    prevent: b.prevent === true,
    stop: b.stop === true,
    debounce: isMs(b.debounce) ? b.debounce : 0,
    throttle: isMs(b.throttle) ? b.throttle : 0,
    keys: Array.isArray(b.keys)
      ? b.keys.filter((k): k is string => typeof k === "string")
      : NO_KEYS,
  };
}

function isMs(v: unknown): v is number {
  return typeof v === "number" && v >= 0 && Number.isFinite(v);
}

function isKeyList(v: unknown): v is readonly string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
}

/** The `data-on` value for a handler record, in its insertion order. */
function encodeHandlers(handlers: Record<string, EventBinding>): string {
  const specs: ListenerSpec[] = [];
  for (const event in handlers) specs.push(listenerSpec(event, handlers[event]!));
  return encodeListeners(specs);
}

/** The protocol listener spec of one binding. */
export function listenerSpec(event: string, b: EventBinding): ListenerSpec {
  return {
    event,
    prevent: b.prevent,
    stop: b.stop,
    debounce: b.debounce,
    throttle: b.throttle,
    keys: b.keys,
  };
}
