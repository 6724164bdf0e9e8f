/**
 * hid → Element lookup. Filled lazily: a miss (or a cached element that has left the
 * document, e.g. under a `SetHtml`) falls back to one `querySelector` and is cached.
 */
import { ATTR_HID } from "../protocol/dom-attrs.ts";

export interface HidMap {
  /** The connected element with this hid, or `null`. */
  get(hid: number): Element | null;
  set(hid: number, el: Element): void;
  /** Drops `node` and every hid-carrying element under it. */
  forget(node: Node): void;
  clear(): void;
}

/**
 * @example
 * const hids = createHidMap(document);
 * hids.get(1); // <div id="vango-root" data-hid="1">
 */
export function createHidMap(doc: Document): HidMap {
  const map = new Map<number, Element>();
  const drop = (el: Element): void => {
    const v = el.getAttribute(ATTR_HID);
    if (v !== null) map.delete(+v);
  };
  return {
    get(hid) {
      let el = map.get(hid);
      if (el?.isConnected) return el;
      el = doc.querySelector(`[${ATTR_HID}="${hid}"]`) ?? undefined;
      if (el) map.set(hid, el);
      else map.delete(hid);
      return el ?? null;
    },
    set(hid, el) {
      map.set(hid, el);
    },
    forget(node) {
      if (node.nodeType !== 1) return;
      drop(node as Element);
      const all = (node as Element).querySelectorAll(`[${ATTR_HID}]`);
      for (let i = 0; i < all.length; i++) drop(all[i]!);
    },
    clear() {
      map.clear();
    },
  };
}
