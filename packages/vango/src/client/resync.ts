/**
 * FullResync: the server's whole view replaces the content of `#vango-root`. The hid
 * map starts over; the focused element (matched by hid) gets focus and caret back.
 */
import { ATTR_HID, ROOT_ID } from "../protocol/dom-attrs.ts";
import { NodeKind, type WireNode } from "../protocol/patch.ts";
import { restoreFocus, saveFocus } from "./caret.ts";
import type { DomCtx } from "./dom-ctx.ts";
import { buildNode, childNs } from "./wire-dom.ts";

/**
 * `root` is the root container itself (same hid: its children become the content), any
 * other node (it becomes the only content), or raw HTML of the content.
 * @example
 * resync(ctx, { kind: NodeKind.Raw, html: "<p data-hid=\"2\">hi</p>" });
 */
export function resync(ctx: DomCtx, root: WireNode): void {
  const doc = ctx.doc;
  const el = doc.getElementById(ROOT_ID)!;
  const hid = +el.getAttribute(ATTR_HID)!;
  const saved = saveFocus(doc);
  const focusHid = saved?.el.getAttribute(ATTR_HID) ?? null;
  ctx.muted = true;
  try {
    ctx.hids.clear();
    ctx.hids.set(hid, el);
    if (root.kind === NodeKind.Raw) el.innerHTML = root.html;
    else {
      const ns = childNs(el);
      const kids =
        root.kind === NodeKind.Element && root.hid === hid
          ? root.children.map((c) => buildNode(ctx, c, ns))
          : [buildNode(ctx, root, ns)];
      el.replaceChildren(...kids);
    }
    const again = focusHid === null ? null : ctx.hids.get(+focusHid);
    if (saved && again) restoreFocus(doc, { el: again, start: saved.start, end: saved.end });
  } finally {
    ctx.muted = false;
  }
}
