/**
 * Client events (the payload of an `Event` frame) and their codec. Coordinates are
 * integer CSS pixels (clientX/clientY, scrollTop/scrollLeft rounded by the client).
 */
import { EventFlag, EventType, MOD_MASK, type PointerKind, type PointerType } from "./constants.ts";
import { readJson, writeJson } from "./json-value.ts";
import type { JsonValue } from "./patch.ts";
import { malformed, type Reader, unknown } from "./reader.ts";
import { invalid, type Writer } from "./writer.ts";

export interface MouseEventData {
  readonly type: typeof EventType.Click | typeof EventType.DblClick;
  readonly x: number;
  readonly y: number;
  /** `MouseEvent.button` (0–7). */
  readonly button: number;
  /** `Mod` bits. */
  readonly mods: number;
}

export interface KeyEventData {
  readonly type: typeof EventType.KeyDown | typeof EventType.KeyUp;
  readonly key: string;
  readonly code: string;
  readonly mods: number;
  readonly repeat: boolean;
}

export interface PointerEventData {
  readonly type: typeof EventType.Pointer;
  readonly kind: PointerKind;
  readonly x: number;
  readonly y: number;
  /** `PointerEvent.button`: -1 when no button changed (moves). */
  readonly button: number;
  readonly pointerType: PointerType;
}

export type ClientEvent =
  | MouseEventData
  | { readonly type: typeof EventType.Input; readonly value: string }
  | { readonly type: typeof EventType.Change; readonly value: string; readonly checked: boolean }
  | {
      readonly type: typeof EventType.Submit;
      /** Form fields in document order; repeated names are kept. */
      readonly fields: readonly (readonly [name: string, value: string])[];
    }
  | KeyEventData
  | { readonly type: typeof EventType.Focus | typeof EventType.Blur }
  | { readonly type: typeof EventType.Scroll; readonly top: number; readonly left: number }
  | PointerEventData
  | { readonly type: typeof EventType.Navigate; readonly path: string; readonly replace: boolean }
  | {
      readonly type: typeof EventType.Hook | typeof EventType.Custom;
      readonly name: string;
      readonly payload: JsonValue;
    };

const BUTTON_MAX = 7;
const MODS_SHIFT = 3;
const REPEAT_BIT = 16;
const POINTER_KIND_MAX = 6;
const POINTER_TYPE_MAX = 2;

/** `button | mods << 3`, the optional last field of click events. */
function buttons(button: number, mods: number): number {
  if (!(button >= 0 && button <= BUTTON_MAX && (mods & MOD_MASK) === mods)) invalid();
  return button | (mods << MODS_SHIFT);
}

/**
 * Header flags an event needs: click events with a non-zero button/mods byte set
 * `EventFlag.Buttons`; the common primary click omits that byte.
 */
export function eventFlags(e: ClientEvent): number {
  if (e.type === EventType.Click || e.type === EventType.DblClick) {
    return buttons(e.button, e.mods) === 0 ? 0 : EventFlag.Buttons;
  }
  return 0;
}

/** Writes the event type byte and payload (the header and ids are written by the frame). */
export function writeEvent(w: Writer, e: ClientEvent): void {
  w.u8(e.type);
  switch (e.type) {
    case EventType.Click:
    case EventType.DblClick: {
      w.sint(e.x);
      w.sint(e.y);
      const bm = buttons(e.button, e.mods);
      if (bm !== 0) w.uint(bm);
      return;
    }
    case EventType.Input:
      w.str(e.value);
      return;
    case EventType.Change:
      w.str(e.value);
      w.bool(e.checked);
      return;
    case EventType.Submit: {
      const f = e.fields;
      w.uint(f.length);
      for (let i = 0; i < f.length; i++) {
        w.str(f[i]![0]);
        w.str(f[i]![1]);
      }
      return;
    }
    case EventType.KeyDown:
    case EventType.KeyUp:
      if ((e.mods & MOD_MASK) !== e.mods) invalid();
      w.str(e.key);
      w.str(e.code);
      w.u8(e.mods | (e.repeat ? REPEAT_BIT : 0));
      return;
    case EventType.Focus:
    case EventType.Blur:
      return;
    case EventType.Scroll:
      w.sint(e.top);
      w.sint(e.left);
      return;
    case EventType.Pointer:
      if (!(e.kind >= 1 && e.kind <= POINTER_KIND_MAX)) invalid();
      if (!(e.pointerType >= 0 && e.pointerType <= POINTER_TYPE_MAX)) invalid();
      w.u8(e.kind);
      w.sint(e.x);
      w.sint(e.y);
      w.sint(e.button);
      w.u8(e.pointerType);
      return;
    case EventType.Navigate:
      w.str(e.path);
      w.bool(e.replace);
      return;
    case EventType.Hook:
    case EventType.Custom:
      w.str(e.name);
      writeJson(w, e.payload);
      return;
    default:
      invalid();
  }
}

/** Reads the event type byte and payload; `flags` are the frame header flags. */
export function readEvent(r: Reader, flags: number): ClientEvent {
  const type = r.u8();
  if (flags !== 0 && type !== EventType.Click && type !== EventType.DblClick) {
    throw malformed("event flags");
  }
  switch (type) {
    case EventType.Click:
    case EventType.DblClick: {
      const x = r.sint();
      const y = r.sint();
      let bm = 0;
      if (flags & EventFlag.Buttons) {
        bm = r.uint();
        if (bm === 0 || bm > (MOD_MASK << MODS_SHIFT) + BUTTON_MAX) throw malformed("buttons");
      }
      return { type, x, y, button: bm & BUTTON_MAX, mods: bm >> MODS_SHIFT };
    }
    case EventType.Input:
      return { type, value: r.str() };
    case EventType.Change:
      return { type, value: r.str(), checked: r.bool() };
    case EventType.Submit: {
      const n = r.count(2);
      const fields = new Array<readonly [string, string]>(n);
      for (let i = 0; i < n; i++) fields[i] = [r.str(), r.str()];
      return { type, fields };
    }
    case EventType.KeyDown:
    case EventType.KeyUp: {
      const key = r.str();
      const code = r.str();
      const b = r.u8();
      if (b > (REPEAT_BIT | MOD_MASK)) throw malformed("key bits");
      return { type, key, code, mods: b & MOD_MASK, repeat: b >= REPEAT_BIT };
    }
    case EventType.Focus:
    case EventType.Blur:
      return { type };
    case EventType.Scroll:
      return { type, top: r.sint(), left: r.sint() };
    case EventType.Pointer: {
      const kind = r.u8();
      if (kind < 1 || kind > POINTER_KIND_MAX) throw malformed("pointer kind");
      const x = r.sint();
      const y = r.sint();
      const button = r.sint();
      const pointerType = r.u8();
      if (pointerType > POINTER_TYPE_MAX) throw malformed("pointer type");
      return {
        type,
        kind: kind as PointerKind,
        x,
        y,
        button,
        pointerType: pointerType as PointerType,
      };
    }
    case EventType.Navigate:
      return { type, path: r.str(), replace: r.bool() };
    case EventType.Hook:
    case EventType.Custom:
      return { type, name: r.str(), payload: readJson(r, r.limits.maxHookDepth) };
    default:
      throw unknown(`event type ${type}`);
  }
}
