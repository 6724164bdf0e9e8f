/**
 * Keeping a re-rendered element's attribute and handler records when they come out the
 * same. Host records of a mounted element live until its next render, long enough to be
 * promoted to old space under load; and identical records let the diff skip the
 * attribute pass by reference. The new props are compared with the previous ones first,
 * so the common re-render with unchanged props (or only new handler closures) does not
 * normalise them at all.
 */
import type { EventBinding } from "../vdom/host.ts";
import type { Props } from "../vdom/vnode.ts";
import { AttrKind, nameInfo } from "./attr-policy.ts";

/** How props compare with the previous ones of the same element. */
export const PropsChange = {
  /** Same attributes and handlers. */
  None: 0,
  /** Same attributes (`data-on` included); a handler prop holds another function. */
  Handlers: 1,
  /** Anything else: normalise the props. */
  Other: 2,
} as const;
export type PropsChange = (typeof PropsChange)[keyof typeof PropsChange];

/** Props with more names than this are normalised rather than compared (O(n²) below). */
const MAX_COMPARED = 16;

/**
 * Compares `next` with `prev` without normalising either. They normalise to the same
 * attributes when they have the same names in the same order and each value is the same
 * primitive, or a function in both: functions never become attributes, and a handler
 * bound to a function has no modifiers, so `data-on` stays. An object value (class list,
 * style record, binding) may have been mutated in place: it always counts as a change.
 * @example
 * comparePropsChange({ id: "a", onClick: f }, { id: "a", onClick: g }); // Handlers
 */
export function comparePropsChange(prev: Props, next: Props): PropsChange {
  if (prev === next) return PropsChange.None;
  let change: PropsChange = PropsChange.None;
  let i = 0;
  for (const name in next) {
    if (i === MAX_COMPARED || keyAt(prev, i) !== name) return PropsChange.Other;
    i++;
    const a = prev[name];
    const b = next[name];
    if (a === b) {
      if (typeof b === "object" && b !== null) return PropsChange.Other;
      continue;
    }
    if (typeof a !== "function" || typeof b !== "function") return PropsChange.Other;
    if (nameInfo(name).kind === AttrKind.Handler) change = PropsChange.Handlers;
  }
  return keyAt(prev, i) === undefined ? change : PropsChange.Other;
}

/** The `i`th enumerable name of `obj`, if any. */
function keyAt(obj: object, i: number): string | undefined {
  let j = 0;
  for (const name in obj) {
    if (j === i) return name;
    j++;
  }
  return undefined;
}

/**
 * Points the bindings of `handlers` at the functions `props` now holds, when only handler
 * functions changed since the props they were built from (`PropsChange.Handlers`). Such
 * bindings were made from plain functions by `toBinding` and belong to this element
 * alone, and a binding's function never reaches the wire, so changing it in place keeps
 * the element's host record: a re-render that only makes new closures allocates nothing
 * here, where new bindings and a new host would live until the element's next render.
 */
export function rebindHandlers(props: Props, handlers: Record<string, EventBinding>): void {
  for (const name in props) {
    const info = nameInfo(name);
    if (info.kind !== AttrKind.Handler) continue;
    const binding = handlers[info.out] as { handler: EventBinding["handler"] } | undefined;
    if (binding !== undefined) binding.handler = props[name] as EventBinding["handler"];
  }
}

/** Whether two attribute records hold the same names, in the same order, and values. */
export function sameAttrs(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  if (a === b) return true;
  let i = 0;
  for (const name in b) {
    if (i === MAX_COMPARED || keyAt(a, i) !== name || a[name] !== b[name]) return false;
    i++;
  }
  return keyAt(a, i) === undefined;
}

/** Whether two handler records bind the same events, in order, to the same bindings. */
export function sameHandlers(
  a: Record<string, EventBinding> | null,
  b: Record<string, EventBinding> | null,
): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  let i = 0;
  for (const name in b) {
    if (i === MAX_COMPARED || keyAt(a, i) !== name || !sameBinding(a[name]!, b[name]!)) {
      return false;
    }
    i++;
  }
  return keyAt(a, i) === undefined;
}

function sameBinding(x: EventBinding, y: EventBinding): boolean {
  if (x === y) return true;
  if (
    x.handler !== y.handler ||
    x.prevent !== y.prevent ||
    x.stop !== y.stop ||
    x.debounce !== y.debounce ||
    x.throttle !== y.throttle ||
    x.keys.length !== y.keys.length
  ) {
    return false;
  }
  for (let i = 0; i < x.keys.length; i++) if (x.keys[i] !== y.keys[i]) return false;
  return true;
}
