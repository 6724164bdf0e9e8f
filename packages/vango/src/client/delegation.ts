/**
 * Event delegation: one listener on `document` per DOM event type in use (added when a
 * `data-on` naming it reaches the DOM). A DOM event walks from its target up; every
 * element whose `data-on` lists the event gets its modifiers applied and an event sent,
 * until one says `stop`.
 */
import { ATTR_HID, ATTR_ON, decodeListeners, type ListenerSpec } from "../protocol/dom-attrs.ts";
import type { DomCtx } from "./dom-ctx.ts";
import { createTiming } from "./timing.ts";

/** Turns a DOM event into a protocol event for element `el`; `null` skips it. */
export type Serialize<E> = (name: string, e: Event, el: Element) => E | null;

export interface Delegation {
  /** Ensures document listeners for the events in a `data-on` value. */
  listen(spec: string): void;
  /** Ensures listeners for every `data-on` under (and on) `root`. */
  scan(root: Element): void;
  /** Sends every debounced or throttled event that is still waiting. */
  flush(): void;
  /** Removes the document listeners and drops waiting events. */
  dispose(): void;
}

/** Delegated focus/blur use the bubbling twins. */
const DOM_NAME: Record<string, string> = { focus: "focusin", blur: "focusout" };
const VANGO_NAME: Record<string, string> = { focusin: "focus", focusout: "blur" };
/** Events that do not bubble: listened to in the capture phase, delivered to the target only. */
const TARGET_ONLY = /^(scroll|pointerenter|pointerleave|mouseenter|mouseleave)$/;
/** High-rate events get a throttle when the app declared neither debounce nor throttle. */
const DEFAULT_THROTTLE: Record<string, number> = { scroll: 100, pointermove: 50 };

interface Parsed {
  raw: string;
  specs: ListenerSpec[];
}

/**
 * @example
 * const d = createDelegation(ctx, serialize, (hid, ev) => conn.send(hid, ev));
 * d.scan(document.documentElement);
 */
export function createDelegation<E>(
  ctx: DomCtx,
  serialize: Serialize<E>,
  send: (hid: number, ev: E) => void,
): Delegation {
  const doc = ctx.doc;
  const bound = new Set<string>();
  const parsed = new WeakMap<Element, Parsed>();
  const timing = createTiming(send);

  const specsOf = (el: Element, raw: string): ListenerSpec[] => {
    const p = parsed.get(el);
    if (p?.raw === raw) return p.specs;
    const specs = decodeListeners(raw);
    parsed.set(el, { raw, specs });
    return specs;
  };

  const handle = (e: Event): void => {
    if (ctx.muted) return;
    const name = VANGO_NAME[e.type] ?? e.type;
    let el = e.target as Element | null;
    if (el?.nodeType !== 1) el = (el as Node | null)?.parentElement ?? null;
    for (; el; el = el.parentElement) {
      const raw = el.getAttribute(ATTR_ON);
      const hid = el.getAttribute(ATTR_HID);
      if (raw !== null && hid !== null) {
        const spec = specsOf(el, raw).find((s) => s.event === name);
        if (spec && (spec.keys.length === 0 || spec.keys.includes((e as KeyboardEvent).key))) {
          if (spec.prevent || name === "submit") e.preventDefault();
          const ev = serialize(name, e, el);
          if (ev !== null) {
            const throttle = spec.throttle || (spec.debounce ? 0 : (DEFAULT_THROTTLE[name] ?? 0));
            timing.push(+hid, name, ev, spec.debounce, throttle);
          }
          if (spec.stop) {
            e.stopPropagation();
            return;
          }
        }
      }
      if (TARGET_ONLY.test(name)) return;
    }
  };

  const listen = (spec: string): void => {
    for (const s of decodeListeners(spec)) {
      const type = DOM_NAME[s.event] ?? s.event;
      if (bound.has(type)) continue;
      bound.add(type);
      doc.addEventListener(type, handle, TARGET_ONLY.test(type));
    }
  };

  return {
    listen,
    scan(root) {
      const on = root.getAttribute(ATTR_ON);
      if (on !== null) listen(on);
      const all = root.querySelectorAll(`[${ATTR_ON}]`);
      for (let i = 0; i < all.length; i++) listen(all[i]!.getAttribute(ATTR_ON)!);
    },
    flush: timing.flush,
    dispose() {
      for (const type of bound) doc.removeEventListener(type, handle, TARGET_ONLY.test(type));
      bound.clear();
      timing.clear();
    },
  };
}
