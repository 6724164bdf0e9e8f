// vango-ui tooltip 0.1.0 sha256-ceHPYfo3+zXF3fYPtZIJAcAxjEOWFhaRYOklSGmWkq0=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Tooltip (WAI-ARIA Tooltip pattern): `tooltip(text)` gives the attributes that put the
 * built-in `Tooltip` client hook (loaded on demand) on any element — a `role="tooltip"`
 * layer named by the element's `aria-describedby`, shown on hover and keyboard focus,
 * hidden on leave, blur and Escape. The text is server state: render another and the
 * tooltip follows. It describes; it never replaces the element's own name.
 * @example <Button variant="ghost" {...tooltip("Copies the link")}>Copy</Button>
 */
import { hook } from "vango";

export interface TooltipOptions {
  /** Prefer above the element (default: below). */
  above?: boolean;
}

export function tooltip(text: string, options: TooltipOptions = {}) {
  return hook("Tooltip", options.above ? { text, above: true } : { text });
}
