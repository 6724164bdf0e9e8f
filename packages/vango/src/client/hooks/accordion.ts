/**
 * Built-in `Accordion`: the optional keys of the WAI-ARIA accordion pattern, on a
 * wrapper of accordion headers — each a heading (`h1`–`h6` or `role="heading"`) holding a
 * `<button>` with `aria-expanded` and `aria-controls`. ArrowDown and ArrowUp move focus to
 * the next and previous header (wrapping), Home and End to the first and last. Enter and
 * Space stay the buttons' own (their `onClick` runs on the server). The headers of an
 * accordion nested in a panel belong to that accordion, not to this one.
 * @example
 * <div {...hook("Accordion")}>
 *   <h3><button type="button" aria-expanded="false" aria-controls="p1" onClick={…}>Shipping</button></h3>
 *   <section id="p1" hidden>…</section>
 * </div>
 */
import { defineHook } from "./define.ts";

const HEADER = ':is(h1,h2,h3,h4,h5,h6,[role="heading"])>button[aria-controls]';

export default defineHook((ctx) => {
  const root = ctx.el;
  const doc = root.ownerDocument;
  /** This accordion's header buttons, in document order: those inside a panel are a nested accordion's. */
  const headers = (): HTMLElement[] => {
    const all = Array.from(root.querySelectorAll<HTMLElement>(HEADER));
    const panels = all.map((b) => doc.getElementById(b.getAttribute("aria-controls")!));
    return all.filter((b) => !panels.some((p) => p?.contains(b)));
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const all = headers();
    const at = all.indexOf(e.target as HTMLElement);
    const n = all.length;
    if (at < 0) return;
    const to =
      e.key === "ArrowDown"
        ? (at + 1) % n
        : e.key === "ArrowUp"
          ? (at - 1 + n) % n
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? n - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    all[to]!.focus();
  };
  root.addEventListener("keydown", onKey);
  return {
    destroyed() {
      root.removeEventListener("keydown", onKey);
    },
  };
});
