/**
 * Live navigation: a same-origin link click (primary button, no modifier keys, no
 * `target`, no `download`) and back/forward become Navigate events on the socket; the
 * server answers with the new page's patches and a URL patch. When the answer is
 * applied, a new page scrolls to the top (or its `#hash`), back/forward restores the
 * scroll position saved with the history entry, focus moves to the page's main heading
 * and the new title is announced to screen readers (the page shell's `#vango-announce`
 * live region). After ~150 ms without an answer `<html>` gets `vango-navigating`, which
 * the shell's style shows as a thin progress bar. With the socket down, links and
 * back/forward are plain page loads.
 */
import { ANNOUNCE_ID, NAVIGATING_CLASS } from "../protocol/dom-attrs.ts";

/** Sends a Navigate event; its cseq, or 0 when the socket is not ready. */
export type SendNavigate = (path: string, replace: boolean) => number;

export interface Navigation {
  /** After a Patches frame was applied: `before` is the pathname before it. */
  applied(before: string, processed: number): void;
  dispose(): void;
}

const PROGRESS_MS = 150;

export function createNavigation(doc: Document, send: SendNavigate): Navigation {
  const win = doc.defaultView!;
  const loc = win.location;
  const hist = win.history;
  let pending = 0;
  let restore = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const classes = doc.documentElement.classList;
  hist.scrollRestoration = "manual";

  const here = (): string => loc.pathname + loc.search + loc.hash;

  const start = (cseq: number): void => {
    pending = cseq;
    clearTimeout(timer);
    timer = setTimeout(() => classes.add(NAVIGATING_CLASS), PROGRESS_MS);
  };

  const click = (e: MouseEvent): void => {
    const a = (e.target as Element).closest?.("a[href]") as HTMLAnchorElement | null;
    if (
      !a ||
      e.defaultPrevented ||
      e.button ||
      e.metaKey ||
      e.ctrlKey ||
      e.shiftKey ||
      e.altKey ||
      (a.target && a.target !== "_self") ||
      a.hasAttribute("download") ||
      a.origin !== loc.origin ||
      // An anchor on this page: the browser scrolls to it.
      (a.hash && a.pathname === loc.pathname && a.search === loc.search)
    ) {
      return;
    }
    const cseq = send(a.pathname + a.search + a.hash, false);
    if (!cseq) return;
    e.preventDefault();
    // Where this entry was scrolled, for when back/forward returns to it.
    hist.replaceState({ ...hist.state, y: win.scrollY }, "");
    restore = -1;
    start(cseq);
  };

  const pop = (e: PopStateEvent): void => {
    const cseq = send(here(), true);
    if (!cseq) {
      loc.reload();
      return;
    }
    restore = (e.state as { y?: number } | null)?.y ?? 0;
    start(cseq);
  };

  doc.addEventListener("click", click);
  win.addEventListener("popstate", pop);

  return {
    applied(before, processed) {
      const moved = loc.pathname !== before;
      if (pending && processed >= pending) {
        pending = 0;
        clearTimeout(timer);
        classes.remove(NAVIGATING_CLASS);
      } else if (!moved) return;
      if (restore >= 0) win.scrollTo(0, restore);
      else if (moved) {
        const target = loc.hash && doc.getElementById(loc.hash.slice(1));
        if (target) target.scrollIntoView();
        else win.scrollTo(0, 0);
      }
      restore = -1;
      if (!moved) return;
      const h = doc.querySelector("h1");
      if (h) {
        if (!h.hasAttribute("tabindex")) h.tabIndex = -1;
        h.focus({ preventScroll: true });
      }
      const live = doc.getElementById(ANNOUNCE_ID);
      if (live) live.textContent = doc.title;
    },
    dispose() {
      clearTimeout(timer);
      doc.removeEventListener("click", click);
      win.removeEventListener("popstate", pop);
    },
  };
}
