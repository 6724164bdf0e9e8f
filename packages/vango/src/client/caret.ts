/**
 * Writes a form control's live `value` without disturbing the user: an equal value is
 * never re-set (re-setting moves the caret to the end in some engines), and when the
 * control has focus the selection is restored, clamped to the new length.
 */

type TextControl = HTMLInputElement;

/** Selection of the focused control, to restore after DOM moves that blurred it. */
export interface SavedFocus {
  readonly el: Element;
  /** `null` on controls without a selection (number, checkbox, …) and non-controls. */
  readonly start: Pos;
  readonly end: Pos;
}

type Pos = number | null | undefined;

function select(c: TextControl, start: Pos, end: Pos): void {
  if (start == null || end == null) return;
  const n = c.value.length;
  c.setSelectionRange(Math.min(start, n), Math.min(end, n));
}

/**
 * @example
 * setValue(input, "hello"); // caret stays where the user left it
 */
export function setValue(el: Element, value: string): void {
  const c = el as TextControl;
  if (c.value === value) return;
  const start = c.selectionStart;
  const end = c.selectionEnd;
  c.value = value;
  if (el === el.ownerDocument.activeElement) select(c, start, end);
}

/** Remembers the focused element (and its selection) of `doc`. */
export function saveFocus(doc: Document): SavedFocus | null {
  const el = doc.activeElement as TextControl | null;
  return el && el !== doc.body ? { el, start: el.selectionStart, end: el.selectionEnd } : null;
}

/**
 * Re-focuses a saved element that lost focus while it was moved (`insertBefore` of a
 * focused node blurs it where `moveBefore` is missing) and puts its caret back.
 */
export function restoreFocus(doc: Document, saved: SavedFocus | null): void {
  if (!saved || doc.activeElement === saved.el || !saved.el.isConnected) return;
  const el = saved.el as TextControl;
  el.focus({ preventScroll: true });
  select(el, saved.start, saved.end);
}
