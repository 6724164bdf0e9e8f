/**
 * Shared by the floating built-ins (Tooltip, Popover, Dropdown, Combobox): floating
 * layers live at the end of `<body>`, outside the server's tree, so the server's child
 * indices never count them; they are placed next to their anchor in viewport
 * coordinates (`position: fixed`), flipped above it when there is no room below.
 */

let seq = 0;

/** A fresh element id for ARIA references (`aria-describedby`, `aria-controls`). */
export function floatId(prefix: string): string {
  return `vango-${prefix}-${++seq}`;
}

/** Places `layer` below (or above) `anchor`, aligned on its left edge, kept in the viewport. */
export function place(layer: HTMLElement, anchor: Element, gap = 6, above = false): void {
  const a = anchor.getBoundingClientRect();
  const win = anchor.ownerDocument.defaultView!;
  const s = layer.style;
  s.position = "fixed";
  s.zIndex = "1000";
  s.margin = "0";
  const h = layer.offsetHeight;
  const w = layer.offsetWidth;
  const up = above
    ? a.top - gap - h >= 0
    : a.bottom + gap + h > win.innerHeight && a.top - gap - h >= 0;
  s.top = `${Math.round(up ? a.top - gap - h : a.bottom + gap)}px`;
  s.left = `${Math.round(Math.max(4, Math.min(a.left, win.innerWidth - w - 4)))}px`;
  layer.dataset.side = up ? "top" : "bottom";
}

/** Elements a keyboard user can reach inside `root`, in tab order of the DOM. */
export function focusables(root: Element): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>(
      'a[href],button:not([disabled]),input:not([disabled]):not([type="hidden"]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"]),[contenteditable="true"]',
    ),
  ).filter((el) => !el.closest("[hidden],[inert]") && el.getClientRects().length > 0);
}
