/**
 * The dev overlay: a separate script the server adds to pages only in `devMode`, so the
 * core client pays nothing for it. It listens for the core client's `vango:error` events
 * — whose `message` carries the server's report in devMode (code, message, source
 * location, component stack) — and shows each in the browser console and in an overlay
 * over the page. Escape or the close button dismisses it; the next error shows again.
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
  return () => {
    doc.removeEventListener("vango:error", onError);
    doc.removeEventListener("keydown", onKey);
  };
}

if (typeof document !== "undefined" && !(window as { __vangoDev?: boolean }).__vangoDev) {
  (window as { __vangoDev?: boolean }).__vangoDev = true;
  installDevOverlay(document);
}
