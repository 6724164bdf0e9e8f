/**
 * Attribute types for TSX intrinsic elements: one shared set (global attributes, event
 * props) plus element-specific extras. Names are the HTML ones (`tabindex`, `readonly`,
 * `colspan`); `className` and `htmlFor` are accepted as aliases of `class` and `for`.
 */
import type { Binding, Handler } from "./event-binding.ts";
import type { CustomEventPayload, EventPayloadMap } from "./events.ts";
import type { EventBinding } from "./host.ts";
import type { Key, VChild } from "./vnode.ts";

/** `true` renders the attribute empty; `false`, `null` and `undefined` omit it. */
export type AttrValue = string | number | boolean | null | undefined;

/** `"a b"`, `["a", cond && "b"]` or `{ a: true, b: cond }`. */
export type ClassValue =
  | string
  | readonly (ClassValue | false | null | undefined)[]
  | Readonly<Record<string, boolean | null | undefined>>
  | null
  | undefined;

/** `"color: red"` or `{ color: "red", "--gap": 4 }` (null/undefined entries are dropped). */
export type StyleValue = string | Readonly<Record<string, string | number | null | undefined>>;

/** A handler prop: a function, or `on(fn, modifiers)`. */
export type EventProp<E> = Handler<E> | Binding<E> | null | undefined;

/** TSX event prop name → DOM event name. */
export interface EventPropNames {
  onClick: "click";
  onDblClick: "dblclick";
  onInput: "input";
  onChange: "change";
  onSubmit: "submit";
  onKeyDown: "keydown";
  onKeyUp: "keyup";
  onFocus: "focus";
  onBlur: "blur";
  onScroll: "scroll";
  onPointerDown: "pointerdown";
  onPointerUp: "pointerup";
  onPointerMove: "pointermove";
  onPointerEnter: "pointerenter";
  onPointerLeave: "pointerleave";
  onPointerCancel: "pointercancel";
}

export type EventProps = {
  [P in keyof EventPropNames]?: EventProp<EventPayloadMap[EventPropNames[P]]>;
};

/**
 * A custom-event handler. Its parameter is `any` because the prop pattern below also
 * matches the built-in event props, whose typed handlers (and handlers annotated with
 * a part of a payload, `(e: { value: string }) => …`) must fit it; annotate a custom
 * handler's parameter as `CustomEventPayload<D>` to type its `detail`.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above — a narrower type rejects typed built-in handlers
type AnyHandler = (event: any) => unknown;

/** A custom-event prop's value: a handler, or `on(handler, modifiers)`. */
export type CustomEventProp =
  | AnyHandler
  | (EventBinding & { readonly handler: AnyHandler })
  | null
  | undefined;

/**
 * Custom DOM events and hook events on any element: `onUrlpop` listens for `urlpop`,
 * `onSortEnd` for `sortend` (the runtime lowercases the name after `on`).
 * @example <div onUrlpop={(e: CustomEventPayload<string>) => path.set(e.detail)} />
 */
export interface CustomEventProps {
  [prop: `on${Capitalize<string>}`]: CustomEventProp;
}

/** What the built-in client hooks push (`docs/hooks.md`), by event prop. */
export interface HookEventDetails {
  /** `Sortable`: the item at `from` moved to `to` (counted after removing it: `splice(from, 1)`, `splice(to, 0, item)`). */
  onReorder: { readonly from: number; readonly to: number };
  /** `Dialog`: Escape (or a backdrop click) asks to close. */
  onDismiss: null;
  /** `Popover`, `Dropdown`: the layer opened or closed. */
  onOpenChange: { readonly open: boolean };
  /** `Combobox`: an option was picked (`value` from its `data-value`, else its text). */
  onItemSelect: { readonly value: string; readonly label: string; readonly index: number };
}

/** The built-in hooks' events as typed props of every element. */
export type HookEventProps = {
  [P in keyof HookEventDetails]?: EventProp<CustomEventPayload<HookEventDetails[P]>>;
};

/** Attributes and event props every HTML element accepts. */
export interface HTMLAttributes extends EventProps, HookEventProps, CustomEventProps {
  /** Identity among siblings for the keyed diff; never rendered. */
  key?: Key | null | undefined;
  children?: VChild;
  id?: AttrValue;
  class?: ClassValue;
  className?: ClassValue;
  style?: StyleValue | null | undefined;
  title?: AttrValue;
  lang?: AttrValue;
  dir?: "ltr" | "rtl" | "auto" | null | undefined;
  hidden?: boolean | "until-found" | null | undefined;
  tabindex?: number | string | null | undefined;
  role?: AttrValue;
  accesskey?: AttrValue;
  autofocus?: boolean | null | undefined;
  contenteditable?: boolean | "true" | "false" | "plaintext-only" | null | undefined;
  draggable?: boolean | "true" | "false" | null | undefined;
  spellcheck?: boolean | "true" | "false" | null | undefined;
  translate?: "yes" | "no" | null | undefined;
  inert?: boolean | null | undefined;
  popover?: boolean | "auto" | "manual" | null | undefined;
  slot?: AttrValue;
  part?: AttrValue;
  is?: AttrValue;
  enterkeyhint?: AttrValue;
  inputmode?: AttrValue;
  [data: `data-${string}`]: AttrValue;
  [aria: `aria-${string}`]: AttrValue;
}

/** Elements that take no children. */
export interface VoidAttributes extends HTMLAttributes {
  children?: never;
}

type CrossOrigin = "anonymous" | "use-credentials" | "" | null | undefined;
type Loading = "eager" | "lazy" | null | undefined;

interface FormControl {
  name?: AttrValue;
  disabled?: boolean | null | undefined;
  form?: AttrValue;
}

export interface AnchorAttributes {
  href?: AttrValue;
  target?: "_self" | "_blank" | "_parent" | "_top" | (string & {}) | null | undefined;
  rel?: AttrValue;
  download?: AttrValue;
  hreflang?: AttrValue;
  type?: AttrValue;
  referrerpolicy?: AttrValue;
  ping?: AttrValue;
}

export type InputType =
  | "button"
  | "checkbox"
  | "color"
  | "date"
  | "datetime-local"
  | "email"
  | "file"
  | "hidden"
  | "image"
  | "month"
  | "number"
  | "password"
  | "radio"
  | "range"
  | "reset"
  | "search"
  | "submit"
  | "tel"
  | "text"
  | "time"
  | "url"
  | "week";

export interface InputAttributes extends FormControl {
  type?: InputType | null | undefined;
  value?: string | number | null | undefined;
  checked?: boolean | null | undefined;
  placeholder?: AttrValue;
  required?: boolean | null | undefined;
  readonly?: boolean | null | undefined;
  multiple?: boolean | null | undefined;
  min?: AttrValue;
  max?: AttrValue;
  step?: AttrValue;
  minlength?: AttrValue;
  maxlength?: AttrValue;
  pattern?: AttrValue;
  size?: AttrValue;
  autocomplete?: AttrValue;
  accept?: AttrValue;
  list?: AttrValue;
  src?: AttrValue;
  alt?: AttrValue;
  width?: AttrValue;
  height?: AttrValue;
}

export interface ButtonAttributes extends FormControl {
  type?: "button" | "submit" | "reset" | null | undefined;
  value?: AttrValue;
  formaction?: AttrValue;
  formmethod?: AttrValue;
  formnovalidate?: boolean | null | undefined;
  popovertarget?: AttrValue;
}

export interface FormAttributes {
  action?: AttrValue;
  method?: "get" | "post" | "dialog" | null | undefined;
  enctype?: AttrValue;
  novalidate?: boolean | null | undefined;
  autocomplete?: "on" | "off" | null | undefined;
  target?: AttrValue;
  name?: AttrValue;
}

export interface SelectAttributes extends FormControl {
  value?: string | number | null | undefined;
  multiple?: boolean | null | undefined;
  required?: boolean | null | undefined;
  size?: AttrValue;
  autocomplete?: AttrValue;
}

export interface OptionAttributes {
  value?: string | number | null | undefined;
  selected?: boolean | null | undefined;
  disabled?: boolean | null | undefined;
  label?: AttrValue;
}

export interface TextareaAttributes extends FormControl {
  value?: string | number | null | undefined;
  placeholder?: AttrValue;
  rows?: AttrValue;
  cols?: AttrValue;
  required?: boolean | null | undefined;
  readonly?: boolean | null | undefined;
  minlength?: AttrValue;
  maxlength?: AttrValue;
  wrap?: "soft" | "hard" | null | undefined;
  autocomplete?: AttrValue;
}

export interface MediaAttributes {
  src?: AttrValue;
  controls?: boolean | null | undefined;
  autoplay?: boolean | null | undefined;
  loop?: boolean | null | undefined;
  muted?: boolean | null | undefined;
  preload?: "none" | "metadata" | "auto" | "" | null | undefined;
  crossorigin?: CrossOrigin;
}

export interface ImgAttributes {
  src?: AttrValue;
  alt?: AttrValue;
  width?: AttrValue;
  height?: AttrValue;
  srcset?: AttrValue;
  sizes?: AttrValue;
  loading?: Loading;
  decoding?: "sync" | "async" | "auto" | null | undefined;
  crossorigin?: CrossOrigin;
  referrerpolicy?: AttrValue;
  usemap?: AttrValue;
  fetchpriority?: "high" | "low" | "auto" | null | undefined;
}

export interface CellAttributes {
  colspan?: AttrValue;
  rowspan?: AttrValue;
  headers?: AttrValue;
}

export interface SvgAttributes {
  xmlns?: AttrValue;
  viewBox?: AttrValue;
  width?: AttrValue;
  height?: AttrValue;
  x?: AttrValue;
  y?: AttrValue;
  x1?: AttrValue;
  y1?: AttrValue;
  x2?: AttrValue;
  y2?: AttrValue;
  cx?: AttrValue;
  cy?: AttrValue;
  r?: AttrValue;
  rx?: AttrValue;
  ry?: AttrValue;
  d?: AttrValue;
  points?: AttrValue;
  fill?: AttrValue;
  stroke?: AttrValue;
  "stroke-width"?: AttrValue;
  "stroke-linecap"?: AttrValue;
  "stroke-linejoin"?: AttrValue;
  "fill-rule"?: AttrValue;
  "clip-rule"?: AttrValue;
  opacity?: AttrValue;
  transform?: AttrValue;
  href?: AttrValue;
  preserveAspectRatio?: AttrValue;
}

/** Element-specific attributes, merged over {@link HTMLAttributes}. */
export interface ElementExtras {
  a: AnchorAttributes;
  area: AnchorAttributes & { alt?: AttrValue; coords?: AttrValue; shape?: AttrValue };
  audio: MediaAttributes;
  base: { href?: AttrValue; target?: AttrValue };
  blockquote: { cite?: AttrValue };
  button: ButtonAttributes;
  canvas: { width?: AttrValue; height?: AttrValue };
  col: { span?: AttrValue };
  colgroup: { span?: AttrValue };
  data: { value?: AttrValue };
  del: { cite?: AttrValue; datetime?: AttrValue };
  details: { open?: boolean | null | undefined; name?: AttrValue };
  dialog: { open?: boolean | null | undefined };
  embed: { src?: AttrValue; type?: AttrValue; width?: AttrValue; height?: AttrValue };
  fieldset: FormControl;
  form: FormAttributes;
  html: { xmlns?: AttrValue };
  iframe: {
    src?: AttrValue;
    name?: AttrValue;
    width?: AttrValue;
    height?: AttrValue;
    allow?: AttrValue;
    sandbox?: AttrValue;
    loading?: Loading;
    referrerpolicy?: AttrValue;
  };
  img: ImgAttributes;
  input: InputAttributes;
  ins: { cite?: AttrValue; datetime?: AttrValue };
  label: { for?: AttrValue; htmlFor?: AttrValue };
  li: { value?: number | null | undefined };
  link: {
    rel?: AttrValue;
    href?: AttrValue;
    type?: AttrValue;
    media?: AttrValue;
    as?: AttrValue;
    sizes?: AttrValue;
    crossorigin?: CrossOrigin;
    integrity?: AttrValue;
    nonce?: AttrValue;
  };
  meta: {
    name?: AttrValue;
    content?: AttrValue;
    charset?: AttrValue;
    "http-equiv"?: AttrValue;
    property?: AttrValue;
    media?: AttrValue;
  };
  meter: {
    value?: AttrValue;
    min?: AttrValue;
    max?: AttrValue;
    low?: AttrValue;
    high?: AttrValue;
    optimum?: AttrValue;
  };
  object: { data?: AttrValue; type?: AttrValue; width?: AttrValue; height?: AttrValue };
  ol: { start?: AttrValue; reversed?: boolean | null | undefined; type?: AttrValue };
  optgroup: { label?: AttrValue; disabled?: boolean | null | undefined };
  option: OptionAttributes;
  output: { for?: AttrValue; htmlFor?: AttrValue; name?: AttrValue; form?: AttrValue };
  progress: { value?: AttrValue; max?: AttrValue };
  q: { cite?: AttrValue };
  script: {
    src?: AttrValue;
    type?: AttrValue;
    async?: boolean | null | undefined;
    defer?: boolean | null | undefined;
    nonce?: AttrValue;
    integrity?: AttrValue;
    crossorigin?: CrossOrigin;
  };
  select: SelectAttributes;
  slot: { name?: AttrValue };
  source: {
    src?: AttrValue;
    type?: AttrValue;
    srcset?: AttrValue;
    sizes?: AttrValue;
    media?: AttrValue;
  };
  style: { media?: AttrValue; nonce?: AttrValue };
  td: CellAttributes;
  textarea: TextareaAttributes;
  th: CellAttributes & { scope?: AttrValue; abbr?: AttrValue };
  time: { datetime?: AttrValue };
  track: {
    src?: AttrValue;
    kind?: AttrValue;
    srclang?: AttrValue;
    label?: AttrValue;
    default?: boolean | null | undefined;
  };
  video: MediaAttributes & {
    poster?: AttrValue;
    width?: AttrValue;
    height?: AttrValue;
    playsinline?: boolean | null | undefined;
  };
}
