/**
 * Built-in `Tooltip`: a short description of its element, shown while the pointer is
 * over it or it has keyboard focus, hidden on leave, blur or Escape (WAI-ARIA tooltip
 * pattern). The text is the `text` option, so the server can change it; the layer is
 * `role="tooltip"` and the element's `aria-describedby` names it.
 * @example <button {...hook("Tooltip", { text: "Copies the link" })}>Copy</button>
 */
import { defineHook } from "./define.ts";
import { floatId, place } from "./float.ts";

export interface TooltipOptions {
  text: string;
  /** Prefer above the element (default below). */
  above?: boolean;
}

export default defineHook<TooltipOptions>((ctx) => {
  const { el } = ctx;
  const doc = el.ownerDocument;
  const tip = doc.createElement("div");
  tip.id = floatId("tooltip");
  tip.className = "vango-tooltip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  let opts = ctx.options;
  tip.textContent = opts.text;
  doc.body.append(tip);
  const before = el.getAttribute("aria-describedby");
  el.setAttribute("aria-describedby", before ? `${before} ${tip.id}` : tip.id);

  const show = (): void => {
    tip.hidden = false;
    place(tip, el, 6, opts.above === true);
  };
  const hide = (): void => {
    tip.hidden = true;
  };
  const key = (e: KeyboardEvent): void => {
    if (e.key === "Escape" && !tip.hidden) hide();
  };
  const events: [string, EventListener][] = [
    ["mouseenter", show],
    ["focusin", show],
    ["mouseleave", hide],
    ["focusout", hide],
    ["keydown", key as EventListener],
  ];
  for (const [t, f] of events) el.addEventListener(t, f);
  return {
    updated(o) {
      opts = o;
      tip.textContent = o.text;
      if (!tip.hidden) place(tip, el, 6, o.above === true);
    },
    destroyed() {
      for (const [t, f] of events) el.removeEventListener(t, f);
      tip.remove();
      if (el.isConnected) {
        if (before === null) el.removeAttribute("aria-describedby");
        else el.setAttribute("aria-describedby", before);
      }
    },
    calls: { show, hide },
  };
});
