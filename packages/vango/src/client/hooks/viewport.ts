/**
 * Built-in `Viewport` (put on a stream's container by `<StreamList onViewportBottom>`):
 * pushes `viewportbottom` when the container's last element child comes within `margin`
 * pixels of the viewport, `viewporttop` for its first. Each edge asks once, then waits
 * until its element changes (the server appended or prepended, or dropped items), so a
 * server with nothing more to send is not asked again and again.
 */
import { defineHook } from "./define.ts";

export interface ViewportHookOptions {
  top?: boolean;
  bottom?: boolean;
  /** Distance in CSS pixels from the viewport at which an edge counts as reached (default 600). */
  margin?: number;
}

export default defineHook<ViewportHookOptions>((ctx) => {
  const el = ctx.el;
  let opts = ctx.options;
  let first: Element | null = null;
  let last: Element | null = null;
  let askedTop = false;
  let askedBottom = false;
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        if (e.target === last && opts.bottom && !askedBottom) {
          askedBottom = true;
          ctx.pushEvent("viewportbottom");
        }
        if (e.target === first && opts.top && !askedTop) {
          askedTop = true;
          ctx.pushEvent("viewporttop");
        }
      }
    },
    { rootMargin: `${opts.margin ?? 600}px 0px` },
  );
  const watch = (): void => {
    const f = el.firstElementChild;
    const l = el.lastElementChild;
    if (f !== first) {
      if (first !== null && first !== last) io.unobserve(first);
      first = f;
      askedTop = false;
      if (f !== null) io.observe(f);
    }
    if (l !== last) {
      if (last !== null && last !== first) io.unobserve(last);
      last = l;
      askedBottom = false;
      if (l !== null) io.observe(l);
    }
  };
  const mo = new MutationObserver(watch);
  mo.observe(el, { childList: true });
  watch();
  return {
    updated(o) {
      opts = o;
    },
    destroyed() {
      io.disconnect();
      mo.disconnect();
    },
  };
});
