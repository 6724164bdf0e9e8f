/**
 * Out-of-order streaming of a live page: data that arrives after the page's HTML went
 * out (its `<Async>` fallbacks showing) is sent later in the same response, as the new
 * HTML of the elements the arrival changed, each in a `<template>`, followed by a tiny
 * inline script (under the page's CSP nonce) that swaps it in.
 *
 * What changed is read from the patches the live root's flush made: every patch names
 * the element it touches (its `parent` or `hid`); the outermost of those elements are
 * sent whole (the root container: its children). The browser's DOM then equals the live
 * tree again, hids included, so the session sends nothing for these renders once its
 * socket attaches (the client script is deferred: it runs after the response ends).
 *
 * The swap keeps what the user typed meanwhile (values and checks of controls whose hid
 * survives) and the focus. Title changes become `document.title`, URL changes
 * `history.replaceState`, a navigation `location.assign`; focus, scroll and dispatch
 * patches are dropped (the page is not interactive yet).
 */
import { ATTR_HID, ROOT_ID } from "../protocol/dom-attrs.ts";
import { type Patch, PatchOp } from "../protocol/patch.ts";
import type { HElement, HNode } from "../vdom/host.ts";
import { escapeAttr, jsonForScript } from "./escape.ts";
import { serializeHost } from "./serialize-host.ts";

/** `id` prefix of the streamed templates. */
export const SWAP_TEMPLATE_PREFIX = "vango-s";
/** The global the swap function is defined as (once per page, in the first chunk). */
const SWAP_FN = "$vangoSwap";

/**
 * `$vangoSwap(n, hid, root)`: replaces the element `hid` by template `n`'s content (or,
 * for the root container, its children), carrying over typed values and focus, then
 * removes the template and the calling script.
 */
const SWAP_SOURCE =
  `function ${SWAP_FN}(n,h,r){var d=document,t=d.getElementById("${SWAP_TEMPLATE_PREFIX}"+n),` +
  `q=function(e,i){return e.querySelector('[${ATTR_HID}="'+i+'"]')},o=r?d.getElementById("${ROOT_ID}"):q(d,h);` +
  `if(t&&o){var f=t.content,a=d.activeElement,k=o.contains(a)&&a.getAttribute("${ATTR_HID}");` +
  `o.querySelectorAll("input,textarea,select").forEach(function(c){var i=c.getAttribute("${ATTR_HID}"),` +
  `m=i&&q(f,i);if(m&&m.tagName==c.tagName){if(c.value!==c.defaultValue)m.value=c.value;` +
  `if(c.checked!==c.defaultChecked)m.checked=c.checked}});` +
  `if(r)o.replaceChildren(f);else o.replaceWith(f);var g=k&&q(d,k);if(g)g.focus()}` +
  `t&&t.remove();d.currentScript&&d.currentScript.remove()}`;

/** Elements by hid, with their parents, for one walk of the live tree. */
function index(root: HElement): Map<number, { el: HElement; parent: number }> {
  const out = new Map<number, { el: HElement; parent: number }>();
  const walk = (el: HElement, parent: number): void => {
    out.set(el.hid, { el, parent });
    for (const c of el.children as HNode[]) if (c.kind === 1) walk(c as HElement, el.hid);
  };
  walk(root, 0);
  return out;
}

/** State of one streamed response: numbers its templates, defines the swap function once. */
export class StreamSwap {
  #n = 0;
  #defined = false;
  readonly #nonceAttr: string;

  constructor(nonce: string | undefined) {
    this.#nonceAttr = nonce === undefined ? "" : ` nonce="${escapeAttr(nonce)}"`;
  }

  /**
   * The HTML that brings the browser from the tree before `patches` to `root` now; ""
   * when the patches change nothing the browser shows.
   * @example
   * const out: Patch[] = []; view.flush(out); res.write(swap.chunk(view.root, out));
   */
  chunk(root: HElement, patches: readonly Patch[]): string {
    const targets = new Set<number>();
    let script = "";
    for (const p of patches) {
      switch (p.op) {
        case PatchOp.SetTitle:
          script += `document.title=${jsonForScript(p.text)};`;
          continue;
        case PatchOp.PushUrl:
        case PatchOp.ReplaceUrl:
          script += `history.replaceState(history.state,"",${jsonForScript(p.url)});`;
          continue;
        case PatchOp.Navigate:
          script += `location.assign(${jsonForScript(p.url)});`;
          continue;
        case PatchOp.Focus:
        case PatchOp.Blur:
        case PatchOp.ScrollIntoView:
        case PatchOp.ScrollTo:
        case PatchOp.Dispatch:
          continue;
      }
      const hid = "parent" in p ? p.parent : "hid" in p ? p.hid : 0;
      if (hid > 0) targets.add(hid);
    }
    let html = "";
    if (targets.size > 0) {
      const byHid = index(root);
      for (const hid of targets) {
        // Inside another target: sent with it.
        let up = byHid.get(hid)?.parent ?? 0;
        while (up !== 0 && !targets.has(up)) up = byHid.get(up)!.parent;
        if (up !== 0) continue;
        const el = byHid.get(hid)?.el;
        if (el === undefined) continue;
        const isRoot = el === root;
        const n = ++this.#n;
        let inner = "";
        if (isRoot) for (const c of el.children) inner += serializeHost(c);
        else inner = serializeHost(el);
        html += `<template id="${SWAP_TEMPLATE_PREFIX}${n}">${inner}</template>`;
        script += `${SWAP_FN}(${n},${hid},${isRoot ? 1 : 0});`;
      }
    }
    if (script === "") return "";
    const define = this.#n > 0 && !this.#defined ? SWAP_SOURCE : "";
    if (define !== "") this.#defined = true;
    return `${html}<script${this.#nonceAttr}>${define}${script}</script>`;
  }
}
