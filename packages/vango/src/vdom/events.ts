/**
 * Server-side event payloads: what a handler receives after the server has decoded the
 * client's `Event` frame. `target` is the hid of the element whose listener fired.
 */

/** Fields every payload carries. */
export interface EventBase<T extends string> {
  readonly type: T;
  /** Hid of the element whose listener fired. */
  readonly target: number;
}

/** Modifier keys held during a mouse or pointer event. */
export interface KeyModifiers {
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
}

/** `click` / `dblclick`; coordinates are integer CSS pixels. */
export interface MouseEventPayload extends EventBase<"click" | "dblclick"> {
  readonly clientX: number;
  readonly clientY: number;
  /** `MouseEvent.button` (0 = primary). */
  readonly button: number;
  readonly modifiers: KeyModifiers;
}

/** `input` / `change`: the control's value; `checked` for checkboxes and radios on change. */
export interface InputEventPayload extends EventBase<"input" | "change"> {
  readonly value: string;
  readonly checked?: boolean;
}

/**
 * Form fields in document order (repeated names kept), with lookup helpers.
 * @example
 * fields.get("email"); // "a@b.c" or null
 * fields.getAll("tag"); // ["x", "y"]
 */
export interface FormFields extends ReadonlyArray<readonly [name: string, value: string]> {
  /** First value for `name`, or `null`. */
  get(name: string): string | null;
  /** Every value for `name`, in document order. */
  getAll(name: string): string[];
}

export interface SubmitEventPayload extends EventBase<"submit"> {
  readonly fields: FormFields;
}

/** `keydown` / `keyup`. */
export interface KeyEventPayload extends EventBase<"keydown" | "keyup">, KeyModifiers {
  /** `KeyboardEvent.key`, e.g. `"Enter"`, `"a"`. */
  readonly key: string;
  /** `KeyboardEvent.code`, e.g. `"KeyA"`. */
  readonly code: string;
  readonly repeat: boolean;
}

export type FocusEventPayload = EventBase<"focus" | "blur">;

/** `scroll`: the element's scroll offsets in integer CSS pixels. */
export interface ScrollEventPayload extends EventBase<"scroll"> {
  readonly scrollTop: number;
  readonly scrollLeft: number;
}

export type PointerEventName =
  | "pointerdown"
  | "pointerup"
  | "pointermove"
  | "pointerenter"
  | "pointerleave"
  | "pointercancel";

export interface PointerEventPayload extends EventBase<PointerEventName> {
  readonly clientX: number;
  readonly clientY: number;
  /** `PointerEvent.button`: -1 when no button changed (moves). */
  readonly button: number;
  readonly pointerType: "mouse" | "pen" | "touch";
}

/** A custom DOM event or hook message; `detail` is JSON-like data from the client. */
export interface CustomEventPayload<D = unknown> extends EventBase<string> {
  readonly detail: D;
}

/** DOM event name → payload type, for the events Vango decodes natively. */
export interface EventPayloadMap {
  click: MouseEventPayload;
  dblclick: MouseEventPayload;
  input: InputEventPayload;
  change: InputEventPayload;
  submit: SubmitEventPayload;
  keydown: KeyEventPayload;
  keyup: KeyEventPayload;
  focus: FocusEventPayload;
  blur: FocusEventPayload;
  scroll: ScrollEventPayload;
  pointerdown: PointerEventPayload;
  pointerup: PointerEventPayload;
  pointermove: PointerEventPayload;
  pointerenter: PointerEventPayload;
  pointerleave: PointerEventPayload;
  pointercancel: PointerEventPayload;
}

export type EventPayload = EventPayloadMap[keyof EventPayloadMap] | CustomEventPayload;

function getField(this: FormFields, name: string): string | null {
  for (let i = 0; i < this.length; i++) {
    const f = this[i]!;
    if (f[0] === name) return f[1];
  }
  return null;
}

function getAllFields(this: FormFields, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < this.length; i++) {
    const f = this[i]!;
    if (f[0] === name) out.push(f[1]);
  }
  return out;
}

/**
 * Builds the frozen `fields` of a submit payload from decoded name/value pairs.
 * @example
 * const f = formFields([["tag", "a"], ["tag", "b"]]);
 * f.get("tag"); // "a"
 * f.getAll("tag"); // ["a", "b"]
 */
export function formFields(pairs: ReadonlyArray<readonly [string, string]>): FormFields {
  const list: Array<readonly [string, string]> = new Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    list[i] = Object.freeze([p[0], p[1]] as const);
  }
  Object.defineProperty(list, "get", { value: getField });
  Object.defineProperty(list, "getAll", { value: getAllFields });
  return Object.freeze(list) as unknown as FormFields;
}
