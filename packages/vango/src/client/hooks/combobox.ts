/**
 * Built-in `Combobox`: an input with a list of suggestions (WAI-ARIA combobox with a
 * listbox popup). On the wrapper around an `<input>` and a `[role=listbox]` of
 * `[role=option]`s, all server-rendered — typically the server filters the options on
 * the input's `onInput`. The list shows while the input has focus and options; ArrowDown
 * and ArrowUp move the active option (`aria-activedescendant`, focus stays in the
 * input), Enter or a click picks it — the input takes its text and `itemselect`
 * (`{ value, label, index }`, value from `data-value`, else the text) reaches the
 * wrapper's `onItemSelect` —, Escape closes the list (a second Escape clears the input).
 * @example
 * <div {...hook("Combobox")} onItemSelect={(e) => city.set(e.detail.value)}>
 *   <input onInput={(e) => query.set(e.value)} aria-label="City" />
 *   <ul role="listbox">{matches().map((c) => <li role="option" data-value={c.id}>{c.name}</li>)}</ul>
 * </div>
 */
import { defineHook } from "./define.ts";
import { floatId, place } from "./float.ts";

export default defineHook((ctx) => {
  const root = ctx.el;
  const input = (): HTMLInputElement | null => root.querySelector("input");
  const list = (): HTMLElement | null => root.querySelector('[role="listbox"]');
  const options = (): HTMLElement[] =>
    Array.from(list()?.querySelectorAll<HTMLElement>('[role="option"]') ?? []);
  let active = -1;
  let open = false;

  const show = (next: boolean): void => {
    const i = input();
    const l = list();
    if (i === null || l === null) return;
    next &&= options().length > 0;
    open = next;
    l.hidden = !next;
    i.setAttribute("aria-expanded", String(next));
    if (next) {
      place(l, i, 2);
      l.style.minWidth = `${i.offsetWidth}px`;
    } else mark(-1);
  };

  const mark = (n: number): void => {
    const all = options();
    active = n;
    all.forEach((o, k) => {
      o.setAttribute("aria-selected", String(k === n));
      o.classList.toggle("vango-active", k === n);
    });
    const i = input();
    if (i === null) return;
    const o = all[n];
    if (o === undefined) i.removeAttribute("aria-activedescendant");
    else {
      i.setAttribute("aria-activedescendant", o.id);
      o.scrollIntoView({ block: "nearest" });
    }
  };

  const wire = (): void => {
    const i = input();
    const l = list();
    if (i === null || l === null) return;
    if (!l.id) l.id = floatId("listbox");
    i.setAttribute("role", "combobox");
    i.setAttribute("aria-autocomplete", "list");
    i.setAttribute("aria-controls", l.id);
    i.setAttribute("autocomplete", "off");
    for (const o of options()) if (!o.id) o.id = floatId("option");
    // New options from the server: nothing is active; the list follows the focus.
    active = -1;
    show(i === root.ownerDocument.activeElement);
  };
  wire();

  const pick = (n: number): void => {
    const o = options()[n];
    const i = input();
    if (o === undefined || i === null) return;
    const label = (o.textContent ?? "").trim();
    i.value = label;
    show(false);
    ctx.pushEvent("itemselect", { value: o.dataset.value ?? label, label, index: n });
  };

  const onKey = (e: KeyboardEvent): void => {
    if (e.target !== input()) return;
    const n = options().length;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        e.preventDefault();
        if (!open) show(true);
        if (n > 0) mark(e.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
        break;
      case "Enter":
        if (open && active >= 0) {
          e.preventDefault();
          pick(active);
        }
        break;
      case "Escape":
        e.preventDefault();
        if (open) show(false);
        else input()!.value = "";
        break;
    }
  };
  const onFocus = (e: FocusEvent): void => {
    if (e.target === input()) show(true);
  };
  const onBlur = (e: FocusEvent): void => {
    if (!root.contains(e.relatedTarget as Node)) show(false);
  };
  // Pressing an option must not blur the input first (the list would close before the click).
  const onDown = (e: PointerEvent): void => {
    if ((e.target as Element).closest('[role="option"]')) e.preventDefault();
  };
  const onClick = (e: MouseEvent): void => {
    const o = (e.target as Element).closest<HTMLElement>('[role="option"]');
    if (o !== null) pick(options().indexOf(o));
  };

  const watch = new MutationObserver(wire);
  watch.observe(root, { childList: true, subtree: true });
  const events: [string, EventListener][] = [
    ["keydown", onKey as EventListener],
    ["focusin", onFocus as EventListener],
    ["focusout", onBlur as EventListener],
    ["pointerdown", onDown as EventListener],
    ["click", onClick as EventListener],
  ];
  for (const [t, f] of events) root.addEventListener(t, f);

  return {
    destroyed() {
      watch.disconnect();
      for (const [t, f] of events) root.removeEventListener(t, f);
    },
    calls: {
      close: () => show(false),
    },
  };
});
