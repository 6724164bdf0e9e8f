/**
 * The HTML document for a freshly mounted session: the page shell from `render/page.ts`
 * around the live root's already rendered children (serialized from the host tree the
 * session will diff against, so the DOM and the server agree on every hid).
 */
import { PROTOCOL_VERSION, WS_PATH } from "../../protocol/constants.ts";
import { renderPage } from "../../render/page.ts";
import { serializeHost } from "../../render/serialize-host.ts";
import type { HElement } from "../../vdom/host.ts";
import { raw, trustedHtml } from "../../vdom/trusted-html.ts";
import type { VChild } from "../../vdom/vnode.ts";

export interface PageParts {
  readonly title: string | undefined;
  readonly root: HElement;
  readonly clientSrc: string;
  /** More deferred scripts (the dev overlay in devMode). */
  readonly scripts?: readonly string[];
  readonly resumeToken: string;
  readonly csrf: string;
  /** CSP nonce for the page's `<script>` tags. */
  readonly nonce?: string;
  /** Extra `<head>` content (the app's `head` option). */
  readonly head?: VChild | undefined;
}

/**
 * Full document HTML for one session.
 * @example renderSessionPage({ title: "Home", root, clientSrc, resumeToken, csrf })
 */
export function renderSessionPage(p: PageParts): string {
  let inner = "";
  const kids = p.root.children;
  for (let i = 0; i < kids.length; i++) inner += serializeHost(kids[i]!);
  return renderPage({
    ...(p.title === undefined ? {} : { title: p.title }),
    ...(p.head === undefined ? {} : { head: p.head }),
    body: raw(trustedHtml(inner)),
    clientSrc: p.clientSrc,
    ...(p.scripts === undefined ? {} : { scripts: p.scripts }),
    ...(p.nonce === undefined ? {} : { nonce: p.nonce }),
    hidStart: p.root.hid,
    bootstrap: { v: PROTOCOL_VERSION, ws: WS_PATH, token: p.resumeToken, csrf: p.csrf },
  });
}
