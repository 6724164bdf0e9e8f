/**
 * `optimistic({...})`: changes the browser makes to an element the moment its event
 * fires, without waiting for the server — and takes back unless the server's answer
 * writes the same attributes (or text). The server answers every event on such an
 * element (an empty frame when nothing changed), so "no change" reads as a
 * disagreement; an error reverts at once.
 */
import { ATTR_OPTIMISTIC } from "../protocol/dom-attrs.ts";
import { toJsonText } from "./hook.ts";

/** The predicted result of an event, as the server would render it. */
export interface OptimisticChanges {
  /** The DOM event that applies them (default `click`; `submit`, `change`, …). */
  on?: string;
  /** Classes to add (`true`) or remove (`false`). */
  class?: Readonly<Record<string, boolean>>;
  /** Attributes to set (`true` sets it empty) or remove (`false`, `null`). */
  attr?: Readonly<Record<string, string | number | boolean | null>>;
  /** The element's first text, replaced. */
  text?: string;
}

/**
 * The attribute that declares `changes`; spread it on the element with the handler.
 * Render the prediction for the state after the event: a toggle predicts the opposite
 * of what it shows.
 * @example
 * <button
 *   aria-pressed={starred()}
 *   onClick={() => save(!starred())}
 *   {...optimistic({ attr: { "aria-pressed": String(!starred()) }, text: starred() ? "Star" : "Unstar" })}
 * >{starred() ? "Unstar" : "Star"}</button>
 */
export function optimistic(changes: OptimisticChanges): { readonly "data-vo": string } {
  const spec: Record<string, unknown> = {};
  if (changes.on !== undefined && changes.on !== "click") spec.e = changes.on;
  if (changes.class !== undefined) spec.c = changes.class;
  if (changes.attr !== undefined) {
    const a: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(changes.attr)) {
      a[k] = v === null || v === false ? null : v === true ? "" : String(v);
    }
    spec.a = a;
  }
  if (changes.text !== undefined) spec.t = changes.text;
  return { [ATTR_OPTIMISTIC]: toJsonText(spec, "optimistic changes") } as { "data-vo": string };
}
