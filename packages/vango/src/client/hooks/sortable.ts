/**
 * Built-in `Sortable`: reorder a list's items by dragging them, or with the keyboard
 * (focus an item, Space or Enter picks it up, the arrow keys move it, Space/Enter drops
 * it, Escape puts it back) — the pattern of accessible drag-and-drop libraries, with
 * every step announced in a live region. The hook never moves items itself: it pushes
 * `reorder` with `{ from, to }` (`to` counted after removing the item, as
 * `splice(from, 1)` then `splice(to, 0, item)` does) and the server's re-render moves
 * them, so the DOM and the server never disagree about the order.
 * @example
 * <ul {...hook("Sortable", { label: "Tasks" })} onReorder={(e) => move(e.detail.from, e.detail.to)}>
 */
import { defineHook } from "./define.ts";

export interface SortableOptions {
  /** What the list holds, for announcements ("Tasks"). */
  label?: string;
  /** Selector of the drag handle inside an item (default: the whole item). */
  handle?: string;
}

/** Pointer travel before a press becomes a drag (a click stays a click). */
const DRAG_PX = 4;
/** A move the server has not answered for this long no longer blocks the next one. */
const PENDING_MS = 2000;

const srOnly =
  "position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0";

export default defineHook<SortableOptions | null>((ctx) => {
  const list = ctx.el;
  const doc = list.ownerDocument;
  let opts = ctx.options ?? {};
  const live = doc.createElement("div");
  live.setAttribute("aria-live", "assertive");
  live.className = "vango-sr-only";
  live.style.cssText = srOnly;
  doc.body.append(live);

  const items = (): HTMLElement[] =>
    Array.from(list.children).filter((c): c is HTMLElement => c.nodeType === 1);
  const name = (el: Element): string => (el.textContent ?? "").trim().slice(0, 80);
  const say = (text: string): void => {
    live.textContent = text;
  };

  /** Items become focusable and say what they are; new items from the server too. */
  const prepare = (): void => {
    for (const it of items()) {
      if (!it.hasAttribute("tabindex")) it.tabIndex = 0;
      it.setAttribute("aria-roledescription", "sortable item");
    }
  };
  list.setAttribute("aria-roledescription", "sortable list");
  prepare();

  /** A reorder pushed and not yet seen in the DOM: the next waits for it. */
  let pendingAt = 0;
  const push = (from: number, to: number): void => {
    if (from === to) return;
    pendingAt = Date.now();
    ctx.pushEvent("reorder", { from, to });
  };

  let grabbed: HTMLElement | null = null;
  let grabbedFrom = -1;

  const watch = new MutationObserver(() => {
    pendingAt = 0;
    prepare();
    if (grabbed !== null) {
      if (!grabbed.isConnected) grabbed = null;
      else {
        const all = items();
        say(`${name(grabbed)}: position ${all.indexOf(grabbed) + 1} of ${all.length}.`);
        if (doc.activeElement !== grabbed) grabbed.focus();
      }
    }
  });
  watch.observe(list, { childList: true });

  const drop = (cancel: boolean): void => {
    const el = grabbed!;
    grabbed = null;
    el.classList.remove("vango-grabbed");
    el.removeAttribute("aria-pressed");
    const all = items();
    const at = all.indexOf(el);
    if (cancel) {
      push(at, grabbedFrom);
      say(`${name(el)}: move cancelled, back to position ${grabbedFrom + 1} of ${all.length}.`);
    } else {
      say(`${name(el)} dropped at position ${at + 1} of ${all.length}.`);
    }
  };

  const onKey = (e: KeyboardEvent): void => {
    const el = e.target as HTMLElement;
    if (el.parentElement !== list) return;
    const all = items();
    const at = all.indexOf(el);
    if (grabbed === null) {
      if (e.key === " " || e.key === "Enter") {
        e.preventDefault();
        grabbed = el;
        grabbedFrom = at;
        el.classList.add("vango-grabbed");
        el.setAttribute("aria-pressed", "true");
        say(
          `${name(el)} picked up, position ${at + 1} of ${all.length}${opts.label ? ` in ${opts.label}` : ""}. ` +
            "Arrow keys move it, Space drops it, Escape cancels.",
        );
      }
      return;
    }
    if (el !== grabbed) return;
    const step =
      e.key === "ArrowUp" || e.key === "ArrowLeft"
        ? -1
        : e.key === "ArrowDown" || e.key === "ArrowRight"
          ? 1
          : 0;
    if (step !== 0) {
      e.preventDefault();
      if (pendingAt !== 0 && Date.now() - pendingAt < PENDING_MS) return;
      const to = at + step;
      if (to >= 0 && to < all.length) push(at, to);
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      push(at, e.key === "Home" ? 0 : all.length - 1);
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      drop(false);
    } else if (e.key === "Escape") {
      e.preventDefault();
      drop(true);
    }
  };

  const onBlur = (e: FocusEvent): void => {
    // Focus leaving the list while an item is held drops it where it is.
    if (grabbed !== null && e.target === grabbed && !list.contains(e.relatedTarget as Node)) {
      // A Move patch (without moveBefore) blurs the item for a moment: only a real leave drops.
      setTimeout(() => {
        if (grabbed !== null && !list.contains(doc.activeElement)) drop(false);
      }, 0);
    }
  };

  // Pointer dragging.
  let press: { el: HTMLElement; x: number; y: number; id: number; dragging: boolean } | null = null;
  let marked: HTMLElement | null = null;
  let markedAfter = false;

  const unmark = (): void => {
    marked?.classList.remove("vango-drop-before", "vango-drop-after");
    marked = null;
  };

  /** The index the pressed item would take if dropped at `y`. */
  const targetAt = (y: number): number => {
    const all = items();
    const from = all.indexOf(press!.el);
    let to = all.length - 1;
    for (let i = 0; i < all.length; i++) {
      const r = all[i]!.getBoundingClientRect();
      if (y < r.top + r.height / 2) {
        to = i > from ? i - 1 : i;
        break;
      }
    }
    unmark();
    const over = all[to]!;
    if (over !== press!.el) {
      marked = over;
      markedAfter = to > from;
      over.classList.add(markedAfter ? "vango-drop-after" : "vango-drop-before");
    }
    return to;
  };

  const onDown = (e: PointerEvent): void => {
    if (e.button !== 0 || press !== null) return;
    const t = e.target as Element;
    const el = Array.from(list.children).find((c) => c.contains(t)) as HTMLElement | undefined;
    if (el === undefined) return;
    if (opts.handle && !t.closest(opts.handle)) return;
    press = { el, x: e.clientX, y: e.clientY, id: e.pointerId, dragging: false };
  };

  const onMove = (e: PointerEvent): void => {
    if (press === null || e.pointerId !== press.id) return;
    if (!press.dragging) {
      if (Math.abs(e.clientX - press.x) + Math.abs(e.clientY - press.y) < DRAG_PX) return;
      press.dragging = true;
      press.el.classList.add("vango-dragging");
      list.setPointerCapture(e.pointerId);
    }
    e.preventDefault();
    targetAt(e.clientY);
  };

  const onUp = (e: PointerEvent): void => {
    if (press === null || e.pointerId !== press.id) return;
    const p = press;
    if (p.dragging) {
      const from = items().indexOf(p.el);
      const to = targetAt(e.clientY);
      p.el.classList.remove("vango-dragging");
      unmark();
      push(from, to);
      if (list.hasPointerCapture(e.pointerId)) list.releasePointerCapture(e.pointerId);
    }
    press = null;
  };

  const onCancel = (): void => {
    press?.el.classList.remove("vango-dragging");
    unmark();
    press = null;
  };

  // A drag must not also select text or start the browser's own drag.
  const onDragStart = (e: Event): void => e.preventDefault();

  const events: [string, EventListener][] = [
    ["keydown", onKey as EventListener],
    ["focusout", onBlur as EventListener],
    ["pointerdown", onDown as EventListener],
    ["pointermove", onMove as EventListener],
    ["pointerup", onUp as EventListener],
    ["pointercancel", onCancel],
    ["dragstart", onDragStart],
  ];
  for (const [t, f] of events) list.addEventListener(t, f);

  return {
    updated(o) {
      opts = o ?? {};
    },
    destroyed() {
      for (const [t, f] of events) list.removeEventListener(t, f);
      watch.disconnect();
      live.remove();
    },
  };
});
