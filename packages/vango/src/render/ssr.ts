/**
 * Server-side rendering of a VNode tree to an HTML string (the synchronous fast path:
 * no host nodes are built). See `stream.ts` for the streaming variants.
 */
import type { VChild } from "../vdom/vnode.ts";
import { asSafeHtml, type SafeHtml } from "./escape.ts";
import { HtmlWriter } from "./html-writer.ts";

export interface RenderOptions {
  /** Hydration id of the first element (document pre-order); default 1. */
  hidStart?: number;
}

/**
 * Renders `node` to HTML. Every element gets `data-hid="N"` as its first attribute,
 * numbered from `hidStart` in document pre-order; components run once (setup, then
 * render) inside their own owner, and all owners are disposed once the HTML is
 * complete, so setup cleanups run. A component returning a Promise throws a
 * `RenderError` with code `async_component_in_sync_render` (use `renderToStream`);
 * a VRaw with siblings throws `raw_html_not_only_child`; a bad tag `invalid_tag`.
 *
 * @example
 * renderToString(<p class="x">a &amp; b</p>);
 * // '<p data-hid="1" class="x">a &amp; b</p>'
 */
export function renderToString(node: VChild, opts?: RenderOptions): SafeHtml {
  const w = new HtmlWriter(opts?.hidStart ?? 1, null, 0);
  let ok = false;
  try {
    w.root(node);
    ok = true;
  } finally {
    if (ok) w.dispose();
    else disposeQuietly(w);
  }
  return asSafeHtml(w.out);
}

/** Disposes after a failed render without masking the render's own error. */
export function disposeQuietly(w: HtmlWriter): void {
  try {
    w.dispose();
  } catch {
    // The render error is the one the caller needs; cleanup errors are secondary.
  }
}
