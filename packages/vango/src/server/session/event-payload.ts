/**
 * Decoded client events → the DOM event name their handler is bound under, and the
 * payload object the handler receives (`vdom/events.ts`).
 */
import { EventType, Mod, PointerKind, PointerType } from "../../protocol/constants.ts";
import type { ClientEvent } from "../../protocol/events.ts";
import {
  type EventPayload,
  formFields,
  type KeyModifiers,
  type PointerEventName,
} from "../../vdom/events.ts";

export type IncomingEvent = ClientEvent;

const POINTER_NAMES: Record<PointerKind, PointerEventName> = {
  [PointerKind.Down]: "pointerdown",
  [PointerKind.Up]: "pointerup",
  [PointerKind.Move]: "pointermove",
  [PointerKind.Enter]: "pointerenter",
  [PointerKind.Leave]: "pointerleave",
  [PointerKind.Cancel]: "pointercancel",
};

const POINTER_TYPES = {
  [PointerType.Mouse]: "mouse",
  [PointerType.Pen]: "pen",
  [PointerType.Touch]: "touch",
} as const;

/**
 * DOM event name a handler for `e` is registered under (`onClick` → `click`); hook and
 * custom events use their own name.
 * @example domEventName({ type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 }) // "click"
 */
export function domEventName(e: ClientEvent): string {
  switch (e.type) {
    case EventType.Click:
      return "click";
    case EventType.DblClick:
      return "dblclick";
    case EventType.Input:
      return "input";
    case EventType.Change:
      return "change";
    case EventType.Submit:
      return "submit";
    case EventType.KeyDown:
      return "keydown";
    case EventType.KeyUp:
      return "keyup";
    case EventType.Focus:
      return "focus";
    case EventType.Blur:
      return "blur";
    case EventType.Scroll:
      return "scroll";
    case EventType.Pointer:
      return POINTER_NAMES[e.kind];
    case EventType.Navigate:
      return "navigate";
    case EventType.Hook:
    case EventType.Custom:
      return e.name;
  }
}

function modifiers(mods: number): KeyModifiers {
  return {
    altKey: (mods & Mod.Alt) !== 0,
    ctrlKey: (mods & Mod.Ctrl) !== 0,
    metaKey: (mods & Mod.Meta) !== 0,
    shiftKey: (mods & Mod.Shift) !== 0,
  };
}

/**
 * The handler's payload for event `e` fired on element `target`.
 * @example toPayload({ type: EventType.Input, value: "hi" }, 4) // { type: "input", target: 4, value: "hi" }
 */
export function toPayload(e: ClientEvent, target: number): EventPayload {
  switch (e.type) {
    case EventType.Click:
    case EventType.DblClick:
      return {
        type: e.type === EventType.Click ? "click" : "dblclick",
        target,
        clientX: e.x,
        clientY: e.y,
        button: e.button,
        modifiers: modifiers(e.mods),
      };
    case EventType.Input:
      return { type: "input", target, value: e.value };
    case EventType.Change:
      return { type: "change", target, value: e.value, checked: e.checked };
    case EventType.Submit:
      return { type: "submit", target, fields: formFields(e.fields) };
    case EventType.KeyDown:
    case EventType.KeyUp:
      return {
        type: e.type === EventType.KeyDown ? "keydown" : "keyup",
        target,
        key: e.key,
        code: e.code,
        repeat: e.repeat,
        ...modifiers(e.mods),
      };
    case EventType.Focus:
      return { type: "focus", target };
    case EventType.Blur:
      return { type: "blur", target };
    case EventType.Scroll:
      return { type: "scroll", target, scrollTop: e.top, scrollLeft: e.left };
    case EventType.Pointer:
      return {
        type: POINTER_NAMES[e.kind],
        target,
        clientX: e.x,
        clientY: e.y,
        button: e.button,
        pointerType: POINTER_TYPES[e.pointerType],
      };
    case EventType.Navigate:
      return { type: "navigate", target, detail: { path: e.path, replace: e.replace } };
    case EventType.Hook:
    case EventType.Custom:
      return { type: e.name, target, detail: e.payload };
  }
}
