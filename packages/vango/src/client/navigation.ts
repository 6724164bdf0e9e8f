/**
 * Live navigation: a same-origin link click (primary button, no modifier keys, no
 * `target`, no `download`) and back/forward become Navigate events on the socket; the
 * server answers with the new page's patches and a URL patch. When the answer is
 * applied, a new page scrolls to the top (or its `#hash`), back and forward restore the
 * scroll position the URL had when it was left (kept per URL for the document's life),
 * focus moves to the page's main heading (the first `h1` or `h2` inside `<main>`, else
 * the first `h1`) and the new title is announced to screen readers (the page shell's
 * `#vango-announce` live region). After ~150 ms without an answer `<html>` gets
 * `vango-navigating`, which the shell's style shows as a thin progress bar. With the
 * socket down, links and back/forward are plain page loads.
 */
import { ANNOUNCE_ID, NAVIGATING_CLASS } from "../protocol/dom-attrs.ts";

/** Sends a Navigate event; its cseq, or 0 when the socket is not ready. */
export type SendNavigate = (path: string, replace: boolean) => number;

export interface Navigation {
  /** After a Patches frame was applied: `processed` is the cseq it answers up to. */
  applied(processed: number): void;
  dispose(): void;
}

const PROGRESS_MS = 150;

export function createNavigation(doc: Document, send: SendNavigate): Navigation {
  const win = doc.defaultView!;
  const loc = win.location;
  const hist = win.history;
  let pending = 0;
  let restore = -1;
  /** Scroll positions of the URLs left by a click or back/forward (this document's life). */
  const ys: Record<string, number> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const classes = doc.documentElement.classList;
  hist.scrollRestoration = "manual";

  const here = (): string => loc.pathname + loc.search + loc.hash;
  /** The URL and pathname of the page on show: where a click or back/forward leaves from. */
  let at = here();
  let shown = loc.pathname;

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
    // Where this URL was scrolled, for when back/forward returns to it.
    ys[at] = win.scrollY;
    restore = -1;
    start(cseq);
  };

  const pop = (): void => {
    // The history moved already, the scroll did not (restoration is manual): the page
    // still shown keeps its position for a later back or forward.
    ys[at] = win.scrollY;
    const cseq = send(here(), true);
    if (!cseq) {
      loc.reload();
      return;
    }
    restore = ys[here()] ?? 0;
    start(cseq);
  };

  doc.addEventListener("click", click);
  win.addEventListener("popstate", pop);

  return {
    applied(processed) {
      if (pending) {
        // Frames before the answer still belong to the page on show.
        if (processed < pending) return;
        pending = 0;
        clearTimeout(timer);
        classes.remove(NAVIGATING_CLASS);
      }
      // Another page: after a click, back/forward (the URL moved before the answer) or
      // a navigation the server started.
      const moved = loc.pathname !== shown;
      shown = loc.pathname;
      at = here();
      if (restore >= 0) win.scrollTo(0, restore);
      else if (moved) {
        const target = loc.hash && doc.getElementById(loc.hash.slice(1));
        if (target) target.scrollIntoView();
        else win.scrollTo(0, 0);
      }
      restore = -1;
      if (!moved) return;
      // The page's main heading: the first h1 or h2 inside <main> (a layout's own h1,
      // a brand above <main>, is not it), else the document's first h1.
      const h = doc.querySelector<HTMLElement>("main h1,main h2") ?? doc.querySelector("h1");
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
