/**
 * Built-in `Popover`: a button that shows and hides a panel the server rendered (the
 * element whose id is the `panel` option, rendered `hidden`), floating next to the
 * button. Click, Enter or Space toggles it; Escape or a click outside closes it and
 * Escape returns focus to the button. The button's `aria-expanded` and `aria-controls`
 * follow; `openchange` (`{ open }`) tells the server, if the button has `onOpenChange`.
 * The panel's `hidden` is the hook's to toggle: the server renders it `hidden` always.
 * @example
 * <button {...hook("Popover", { panel: "filters" })}>Filters</button>
 * <div id="filters" hidden>…</div>
 */
import { defineHook } from "./define.ts";
import { place } from "./float.ts";

export interface PopoverOptions {
  /** The panel's element id. */
  panel: string;
}

export default defineHook<PopoverOptions>((ctx) => {
  const btn = ctx.el;
  const doc = btn.ownerDocument;
  let panelId = ctx.options.panel;
  const panel = (): HTMLElement | null => doc.getElementById(panelId);
  btn.setAttribute("aria-expanded", "false");
  btn.setAttribute("aria-controls", panelId);
  let open = false;

  const set = (next: boolean, refocus: boolean): void => {
    const p = panel();
    if (p === null || next === open) return;
    open = next;
    p.hidden = !next;
    btn.setAttribute("aria-expanded", String(next));
    if (next) place(p, btn);
    else if (refocus) btn.focus();
    if (btn.hasAttribute("data-hid")) ctx.pushEvent("openchange", { open: next });
  };

  const onClick = (): void => set(!open, false);
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape" && open) {
      e.preventDefault();
      set(false, true);
    }
  };
  const onOutside = (e: PointerEvent): void => {
    const t = e.target as Node;
    if (open && !btn.contains(t) && !panel()?.contains(t)) set(false, false);
  };
  btn.addEventListener("click", onClick);
  doc.addEventListener("keydown", onKey);
  doc.addEventListener("pointerdown", onOutside);

  return {
    updated(o) {
      panelId = o.panel;
      btn.setAttribute("aria-controls", panelId);
    },
    destroyed() {
      btn.removeEventListener("click", onClick);
      doc.removeEventListener("keydown", onKey);
      doc.removeEventListener("pointerdown", onOutside);
      const p = panel();
      if (p !== null && open) p.hidden = true;
    },
    calls: {
      open: () => set(true, false),
      close: () => set(false, false),
    },
  };
});
