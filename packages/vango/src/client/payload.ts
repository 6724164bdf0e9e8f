/**
 * DOM event → protocol `ClientEvent`. Coordinates are rounded CSS pixels; values come
 * from the event's target control (the listener may sit on an ancestor, e.g. a form
 * listening to `input`). Event names outside the protocol's set travel as `Custom`
 * with the event's `detail` (JSON-cloned; `null` when absent or not cloneable).
 */
import { PointerKind as K, Mod, PointerType, EventType as T } from "../protocol/constants.ts";
import type { ClientEvent } from "../protocol/events.ts";

const POINTER: Record<string, K> = {
  pointerdown: K.Down,
  pointerup: K.Up,
  pointermove: K.Move,
  pointerenter: K.Enter,
  pointerleave: K.Leave,
  pointercancel: K.Cancel,
};

/** `Mod` bits of a mouse, pointer or keyboard event. */
export function mods(e: MouseEvent | KeyboardEvent): number {
  return (
    (e.shiftKey ? Mod.Shift : 0) |
    (e.ctrlKey ? Mod.Ctrl : 0) |
    (e.altKey ? Mod.Alt : 0) |
    (e.metaKey ? Mod.Meta : 0)
  );
}

/**
 * A control's value: checkboxes and radios give their value when checked, else "";
 * a multiple select gives its selected values joined by "\n"; other elements their text.
 */
function controlValue(el: Element): string {
  const c = el as HTMLInputElement;
  const type = c.type;
  if (type === "checkbox" || type === "radio") return c.checked ? c.value : "";
  if (type === "select-multiple") {
    return Array.from((el as HTMLSelectElement).selectedOptions, (o) => o.value).join("\n");
  }
  return typeof c.value === "string" ? c.value : (el.textContent ?? "");
}

/** JSON clone of `v`; `null` for undefined or uncloneable values. */
export function toJson<V>(v: unknown): V | null {
  try {
    return JSON.parse(JSON.stringify(v ?? null));
  } catch {
    return null;
  }
}

const round = (n: number): number => Math.round(n || 0);

/**
 * @example
 * serialize("input", event, inputEl); // { type: EventType.Input, value: "hi" }
 */
export function serialize(name: string, e: Event, el: Element): ClientEvent | null {
  const t = (e.target as Element).nodeType === 1 ? (e.target as Element) : el;
  const m = e as PointerEvent & KeyboardEvent & SubmitEvent;
  switch (name) {
    case "click":
    case "dblclick":
      return {
        type: name === "click" ? T.Click : T.DblClick,
        x: round(m.clientX),
        y: round(m.clientY),
        button: m.button & 7,
        mods: mods(m),
      };
    case "input":
      return { type: T.Input, value: controlValue(t) };
    case "change":
      return {
        type: T.Change,
        value: controlValue(t),
        checked: (t as HTMLInputElement).checked === true,
      };
    case "submit": {
      if (t.localName !== "form") return null;
      // The submitter adds the clicked button's name/value, as a real submission does.
      const fields: [string, string][] = [];
      const data = m.submitter
        ? new FormData(t as HTMLFormElement, m.submitter)
        : new FormData(t as HTMLFormElement);
      // A file field sends its name only.
      for (const [k, v] of data) fields.push([k, typeof v === "string" ? v : ""]);
      return { type: T.Submit, fields };
    }
    case "keydown":
    case "keyup":
      return {
        type: name === "keydown" ? T.KeyDown : T.KeyUp,
        key: m.key,
        code: m.code,
        mods: mods(m),
        repeat: m.repeat,
      };
    case "focus":
      return { type: T.Focus };
    case "blur":
      return { type: T.Blur };
    case "scroll":
      return { type: T.Scroll, top: round(t.scrollTop), left: round(t.scrollLeft) };
  }
  const kind = POINTER[name];
  return kind
    ? {
        type: T.Pointer,
        kind,
        x: round(m.clientX),
        y: round(m.clientY),
        button: m.button | 0,
        pointerType:
          m.pointerType === "pen"
            ? PointerType.Pen
            : m.pointerType === "touch"
              ? PointerType.Touch
              : PointerType.Mouse,
      }
    : { type: T.Custom, name, payload: toJson((e as CustomEvent).detail) };
}
