/**
 * Built-in `Dropdown`: a menu button (WAI-ARIA menu button pattern). On the wrapper
 * element around a `<button>` and a `[role=menu]` the server renders `hidden`, with
 * `[role=menuitem]` items. The button (click, Enter, Space, ArrowDown) opens the menu
 * and focuses the first item (ArrowUp: the last); ArrowUp/ArrowDown/Home/End move
 * between items, a letter jumps to the next item starting with it, Enter or Space
 * activates the focused item (its own `onClick` runs on the server), Escape closes and
 * returns focus to the button, Tab or a click outside closes. Items marked
 * `aria-disabled="true"` are reached like the others, so they can be discovered, but
 * choosing one does nothing and leaves the menu open (WAI-ARIA APG, "Focusability of
 * disabled controls"). `openchange` (`{ open }`) reaches the wrapper's `onOpenChange`.
 * @example
 * <div {...hook("Dropdown")}>
 *   <button type="button">Sort</button>
 *   <ul role="menu" hidden>
 *     <li role="menuitem" onClick={() => sort.set("name")}>By name</li>
 *   </ul>
 * </div>
 */
import { defineHook } from "./define.ts";
import { floatId, place } from "./float.ts";

export default defineHook((ctx) => {
  const root = ctx.el;
  const doc = root.ownerDocument;
  const button = (): HTMLElement | null => root.querySelector("button");
  const menu = (): HTMLElement | null => root.querySelector('[role="menu"]');
  const items = (): HTMLElement[] =>
    Array.from(menu()?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
  let open = false;

  const wire = (): void => {
    const b = button();
    const m = menu();
    if (b === null || m === null) return;
    if (!m.id) m.id = floatId("menu");
    b.setAttribute("aria-haspopup", "menu");
    b.setAttribute("aria-controls", m.id);
    b.setAttribute("aria-expanded", String(open));
    for (const i of items()) i.tabIndex = -1;
  };
  wire();

  const set = (next: boolean, focus: "first" | "last" | "button" | null): void => {
    const b = button();
    const m = menu();
    if (b === null || m === null) return;
    if (next !== open) {
      open = next;
      m.hidden = !next;
      b.setAttribute("aria-expanded", String(next));
      if (next) place(m, b);
      if (root.hasAttribute("data-hid")) ctx.pushEvent("openchange", { open: next });
    }
    const all = items();
    if (focus === "first") all[0]?.focus();
    else if (focus === "last") all[all.length - 1]?.focus();
    else if (focus === "button") b.focus();
  };

  const onClick = (e: MouseEvent): void => {
    const t = e.target as Element;
    const b = button();
    if (b?.contains(t)) {
      set(!open, open ? null : "first");
      return;
    }
    // An item's own click reaches the server through its handler; the menu closes.
    const item = t.closest('[role="menuitem"]');
    if (item !== null && open && item.getAttribute("aria-disabled") !== "true") {
      set(false, "button");
    }
  };

  const onKey = (e: KeyboardEvent): void => {
    const b = button();
    const t = e.target as HTMLElement;
    if (b !== null && t === b) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        set(true, e.key === "ArrowDown" ? "first" : "last");
      }
      return;
    }
    if (!open || !menu()?.contains(t)) return;
    const all = items();
    const at = all.indexOf(t);
    let next: HTMLElement | undefined;
    switch (e.key) {
      case "ArrowDown":
        next = all[(at + 1) % all.length];
        break;
      case "ArrowUp":
        next = all[(at - 1 + all.length) % all.length];
        break;
      case "Home":
        next = all[0];
        break;
      case "End":
        next = all[all.length - 1];
        break;
      case "Escape":
        e.preventDefault();
        set(false, "button");
        return;
      case "Tab":
        set(false, null);
        return;
      case "Enter":
      case " ":
        // A button item activates itself; any other element is clicked here.
        if (t.localName !== "button") {
          e.preventDefault();
          t.click();
        }
        return;
      default:
        if (e.key.length === 1 && /\S/.test(e.key)) {
          const k = e.key.toLowerCase();
          for (let i = 1; i <= all.length; i++) {
            const c = all[(at + i) % all.length]!;
            if ((c.textContent ?? "").trim().toLowerCase().startsWith(k)) {
              next = c;
              break;
            }
          }
        }
    }
    if (next !== undefined) {
      e.preventDefault();
      next.focus();
    }
  };

  const onOutside = (e: PointerEvent): void => {
    if (open && !root.contains(e.target as Node)) set(false, null);
  };

  const watch = new MutationObserver(wire);
  watch.observe(root, { childList: true, subtree: true });
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKey);
  doc.addEventListener("pointerdown", onOutside);

  return {
    destroyed() {
      watch.disconnect();
      root.removeEventListener("click", onClick);
      root.removeEventListener("keydown", onKey);
      doc.removeEventListener("pointerdown", onOutside);
    },
    calls: {
      open: () => set(true, "first"),
      close: () => set(false, null),
    },
  };
});
