/**
 * Built-in `Dialog`: the keyboard half of a modal dialog whose visibility the server
 * owns. When the `open` option turns true it remembers where focus was, moves focus
 * into the dialog (the first `[autofocus]`, else the first focusable element, else the
 * dialog itself), keeps Tab and Shift+Tab inside it, and pushes `dismiss` on Escape
 * (and on a click on the element itself, the backdrop, with `dismissOnBackdrop`). When
 * `open` turns false, or the dialog leaves the page, focus returns where it was
 * (WAI-ARIA dialog pattern). The server closes the dialog by rendering `open: false`
 * (and, typically, `hidden`).
 * @example
 * <div role="dialog" aria-modal="true" aria-labelledby="t" hidden={!open()}
 *   {...hook("Dialog", { open: open() })} onDismiss={() => open.set(false)}>…</div>
 */
import { defineHook } from "./define.ts";
import { focusables } from "./float.ts";

export interface DialogOptions {
  open: boolean;
  /** A click on the dialog element itself (outside its content) dismisses it. */
  dismissOnBackdrop?: boolean;
}

export default defineHook<DialogOptions | null>((ctx) => {
  const el = ctx.el;
  const doc = el.ownerDocument;
  let opts: DialogOptions = ctx.options ?? { open: false };
  let returnTo: HTMLElement | null = null;
  let isOpen = false;

  const open = (): void => {
    isOpen = true;
    const active = doc.activeElement as HTMLElement | null;
    returnTo = active !== null && active !== doc.body && !el.contains(active) ? active : null;
    // The server shows the dialog in the same frame; focus once it is displayed.
    const first = el.querySelector<HTMLElement>("[autofocus]") ?? focusables(el)[0] ?? null;
    if (first !== null) first.focus();
    else {
      if (!el.hasAttribute("tabindex")) el.tabIndex = -1;
      el.focus();
    }
  };

  const close = (): void => {
    isOpen = false;
    const back = returnTo;
    returnTo = null;
    if (back?.isConnected) back.focus();
  };

  const onKey = (e: KeyboardEvent): void => {
    if (!isOpen) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      ctx.pushEvent("dismiss");
      return;
    }
    if (e.key !== "Tab") return;
    const all = focusables(el);
    if (all.length === 0) {
      e.preventDefault();
      return;
    }
    const first = all[0]!;
    const last = all[all.length - 1]!;
    const active = doc.activeElement;
    if (e.shiftKey && (active === first || !el.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !el.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };

  /** Focus that escapes anyway (a click outside a non-modal page area) is brought back. */
  const onFocusIn = (e: FocusEvent): void => {
    if (isOpen && !el.contains(e.target as Node)) (focusables(el)[0] ?? el).focus();
  };

  const onClick = (e: MouseEvent): void => {
    if (isOpen && opts.dismissOnBackdrop === true && e.target === el) ctx.pushEvent("dismiss");
  };

  doc.addEventListener("keydown", onKey, true);
  doc.addEventListener("focusin", onFocusIn);
  el.addEventListener("click", onClick);
  if (opts.open) open();

  return {
    updated(o) {
      opts = o ?? { open: false };
      if (opts.open && !isOpen) open();
      else if (!opts.open && isOpen) close();
    },
    destroyed() {
      doc.removeEventListener("keydown", onKey, true);
      doc.removeEventListener("focusin", onFocusIn);
      el.removeEventListener("click", onClick);
      if (isOpen) close();
    },
    calls: {
      focus: () => (focusables(el)[0] ?? el).focus(),
    },
  };
});
