/**
 * The dev overlay: a separate script the server adds to pages only in `devMode`, so the
 * core client pays nothing for it. It listens for the core client's `vango:error` events
 * — whose `message` carries the server's report in devMode (code, message, source
 * location, component stack) — and shows each in the browser console and in an overlay
 * over the page. Escape or the close button dismisses it; the next error shows again.
 *
 * Under `vango dev` the page also has `<meta name="vango-dev" content="<url>">`: the dev
 * server's event stream there reports problems the page cannot see (an edit that does not
 * compile, an app that fails to start: shown until fixed, while the page keeps running
 * the last good code), says when the current code runs (the overlay clears) and which
 * stylesheet changed (its `<link>` is reloaded in place).
 */
import type { ErrorFrame } from "../protocol/frame.ts";

const OVERLAY_ID = "vango-dev-overlay";

/** Shows `text` (a server report, or the bare code) in the overlay, replacing any shown. */
export function showOverlay(doc: Document, title: string, text: string): HTMLElement {
  doc.getElementById(OVERLAY_ID)?.remove();
  const box = doc.createElement("div");
  box.id = OVERLAY_ID;
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-label", "Vango error");
  box.style.cssText =
    "position:fixed;inset:0;z-index:2147483647;background:rgba(20,0,0,.86);color:#fff;" +
    "font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;overflow:auto;padding:24px";
  const head = doc.createElement("div");
  head.style.cssText = "display:flex;justify-content:space-between;gap:16px;margin-bottom:12px";
  const h = doc.createElement("strong");
  h.style.cssText = "color:#ff8a80;font-size:15px";
  h.textContent = title;
  const close = doc.createElement("button");
  close.type = "button";
  close.textContent = "Close (Esc)";
  close.addEventListener("click", () => box.remove());
  head.append(h, close);
  const pre = doc.createElement("pre");
  pre.style.cssText = "white-space:pre-wrap;margin:0";
  pre.textContent = text;
  box.append(head, pre);
  doc.body.append(box);
  close.focus();
  return box;
}

interface DevProblem {
  readonly code: string;
  readonly message: string;
  readonly location?: string;
  readonly frame?: string;
  readonly stack?: string;
}

type DevMessage =
  | { readonly type: "problem"; readonly problem: DevProblem }
  | { readonly type: "ok" }
  | { readonly type: "css"; readonly path: string };

/** Reloads the stylesheets served at `path` (a new query defeats the cache). */
function swapCss(doc: Document, path: string): void {
  for (const link of doc.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')) {
    const url = new URL(link.href, doc.baseURI);
    if (url.origin !== location.origin || url.pathname !== path) continue;
    url.searchParams.set("v", String(Date.now()));
    // The new sheet loads before the old one goes, so the page never shows unstyled.
    const next = link.cloneNode() as HTMLLinkElement;
    next.href = url.pathname + url.search;
    next.addEventListener("load", () => link.remove());
    link.after(next);
  }
}

/** Listens to `vango dev`'s event stream at `url`; returns a function that stops. */
export function listenDevServer(doc: Document, url: string): () => void {
  const es = new EventSource(url);
  es.onmessage = (e: MessageEvent<string>) => {
    const m = JSON.parse(e.data) as DevMessage;
    if (m.type === "ok") doc.getElementById(OVERLAY_ID)?.remove();
    else if (m.type === "css") swapCss(doc, m.path);
    else {
      const p = m.problem;
      let text = `${p.code}: ${p.message}`;
      if (p.location) text += `\n    at ${p.location}`;
      if (p.frame) text += `\n\n${p.frame}`;
      else if (p.stack) text += `\n\n${p.stack}`;
      console.error(`[vango] ${text}`);
      showOverlay(doc, `Vango: ${p.code}`, text);
    }
  };
  return () => es.close();
}

/** Starts listening; returns a function that stops. */
export function installDevOverlay(doc: Document): () => void {
  const onError = (e: Event): void => {
    const f = (e as CustomEvent<ErrorFrame>).detail;
    const text = f.message === "" ? f.code : f.message;
    console.error(`[vango] ${text}`);
    showOverlay(doc, `Vango: ${f.code}${f.fatal ? " (connection closed)" : ""}`, text);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape") doc.getElementById(OVERLAY_ID)?.remove();
  };
  doc.addEventListener("vango:error", onError);
  doc.addEventListener("keydown", onKey);
  const events = doc.querySelector<HTMLMetaElement>('meta[name="vango-dev"]')?.content;
  const stopEvents = events ? listenDevServer(doc, events) : undefined;
  return () => {
    stopEvents?.();
    doc.removeEventListener("vango:error", onError);
    doc.removeEventListener("keydown", onKey);
  };
}

if (typeof document !== "undefined" && !(window as { __vangoDev?: boolean }).__vangoDev) {
  (window as { __vangoDev?: boolean }).__vangoDev = true;
  installDevOverlay(document);
}
