/**
 * Built-in `Prefetch` (what `<Link prefetch>` puts on its `<a>`): tells the server that
 * the link is about to be followed, so it can warm the link's route — when the pointer
 * has rested on it for {@link INTENT_MS} (a pointer crossing a menu warms nothing), at
 * once when a press starts on it (the click follows ~100 ms later) or it gets keyboard
 * focus. Once per `href`: the server's `prefetch` event names no path, it warms the
 * `href` it rendered.
 * @example <a href="/report" {...hook("Prefetch")} onPrefetch={warm}>Report</a>
 */
import { defineHook } from "./define.ts";

/** How long the pointer rests on a link before it counts as intent. */
export const INTENT_MS = 65;

export default defineHook((ctx) => {
  const el = ctx.el as HTMLAnchorElement;
  let warmed = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const warm = (): void => {
    clearTimeout(timer);
    if (el.href === warmed) return;
    warmed = el.href;
    ctx.pushEvent("prefetch");
  };
  const rest = (): void => {
    clearTimeout(timer);
    timer = setTimeout(warm, INTENT_MS);
  };
  const leave = (): void => clearTimeout(timer);
  const events: [string, EventListener][] = [
    ["pointerenter", rest],
    ["pointerleave", leave],
    ["pointerdown", warm],
    ["focus", warm],
  ];
  for (const [t, f] of events) el.addEventListener(t, f, { passive: true });
  return {
    destroyed() {
      clearTimeout(timer);
      for (const [t, f] of events) el.removeEventListener(t, f);
    },
  };
});
