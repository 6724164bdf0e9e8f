/** Shared setup for client DOM tests (happy-dom environment). */
import type { DomCtx } from "../../src/client/dom-ctx.ts";
import { createHidMap } from "../../src/client/hid-map.ts";
import { ROOT_ID } from "../../src/protocol/dom-attrs.ts";

/** Replaces the body with `<div id="vango-root" data-hid="1">` + `html`. */
export function mountRoot(html: string): HTMLElement {
  document.body.innerHTML = `<div id="${ROOT_ID}" data-hid="1">${html}</div>`;
  return document.getElementById(ROOT_ID)!;
}

/** A fresh DomCtx over `document`; `listened` collects the `data-on` specs reported. */
export function makeCtx(): DomCtx & { listened: string[] } {
  const listened: string[] = [];
  return {
    doc: document,
    hids: createHidMap(document),
    listen: (s: string) => {
      listened.push(s);
    },
    muted: false,
    processed: 0,
    typed: null,
    typedCseq: 0,
    listened,
  };
}

export function byHid(hid: number): HTMLElement {
  return document.querySelector(`[data-hid="${hid}"]`)!;
}
