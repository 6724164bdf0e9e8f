/**
 * The full HTML document around the server-rendered app: head, the `#vango-root`
 * container (hid `hidStart`, default 1; the body's elements are numbered after it),
 * the deferred client script and the JSON bootstrap data.
 */
import type { Readable } from "node:stream";
import { Readable as NodeReadable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { ANNOUNCE_ID, BOOT_ID, NAVIGATING_CLASS, ROOT_ID } from "../protocol/dom-attrs.ts";
import type { VChild } from "../vdom/vnode.ts";
import { asSafeHtml, escapeAttr, escapeText, jsonForScript, type SafeHtml } from "./escape.ts";
import { HtmlWriter } from "./html-writer.ts";
import { disposeQuietly } from "./ssr.ts";
import { type StreamPart, streamParts } from "./stream.ts";

export interface PageOptions {
  /** Document title (escaped). Omitted when undefined. */
  title?: string;
  /** `<html lang>`; default "en". */
  lang?: string;
  /** Extra `<head>` content, rendered like the body but without hydration ids. */
  head?: VChild;
  /** The app, rendered inside `<div id="vango-root">`. */
  body: VChild;
  /** URL of the client script, loaded with `defer` from `<head>`. */
  clientSrc?: string;
  /** CSP nonce for the client script. */
  nonce?: string;
  /** More deferred scripts after the client (the dev overlay in devMode). */
  scripts?: readonly string[];
  /** Data for the client, embedded as `<script type="application/json" id="vango-boot">`. */
  bootstrap?: Record<string, unknown>;
  /** Hid of the root container; the body's first element gets `hidStart + 1`. Default 1. */
  hidStart?: number;
}

/**
 * Renders the whole document synchronously (async components throw
 * `async_component_in_sync_render`; use `renderPageToStream` for those).
 *
 * @example
 * renderPage({ title: "Home", body: <App />, clientSrc: "/_vango/client.js", bootstrap: { v: 1 } });
 */
export function renderPage(opts: PageOptions): SafeHtml {
  const shell = pageShell(opts);
  const w = new HtmlWriter(shell.hidStart + 1, null, 0);
  let ok = false;
  try {
    w.out = shell.start;
    w.hids = false;
    w.root(opts.head);
    w.out += shell.middle;
    w.hids = true;
    w.root(opts.body);
    w.out += shell.end;
    ok = true;
  } finally {
    if (ok) w.dispose();
    else disposeQuietly(w);
  }
  return asSafeHtml(w.out);
}

/**
 * Streams the document: the shell up to the root container goes out in the first
 * chunk, then the body as it renders (async components awaited), then the tail.
 *
 * @example
 * return new Response(renderPageToStream({ body: <App /> }), { headers: { "content-type": "text/html; charset=utf-8" } });
 */
export function renderPageToStream(
  opts: PageOptions,
  streamOpts?: { chunkSize?: number },
): ReadableStream<Uint8Array> {
  const shell = pageShell(opts);
  const parts: StreamPart[] = [
    shell.start,
    { node: opts.head, hids: false },
    shell.middle,
    { node: opts.body, hids: true },
    shell.end,
  ];
  return streamParts(parts, shell.hidStart + 1, streamOpts?.chunkSize);
}

/** `renderPageToStream` as a Node.js `Readable`. */
export function renderPageToNodeStream(
  opts: PageOptions,
  streamOpts?: { chunkSize?: number },
): Readable {
  return NodeReadable.fromWeb(
    renderPageToStream(opts, streamOpts) as NodeReadableStream<Uint8Array>,
  );
}

interface Shell {
  readonly start: string;
  readonly middle: string;
  readonly end: string;
  readonly hidStart: number;
}

/** @internal The live page's style (progress bar, announcer); exported for tests. */
export const LIVE_STYLE =
  `<style>html.${NAVIGATING_CLASS}::before{content:"";position:fixed;top:0;left:0;height:3px;` +
  "width:60%;background:#7c3ad6;z-index:2147483647;animation:vango-bar 8s ease-out}" +
  "@keyframes vango-bar{from{width:0}}" +
  `#${ANNOUNCE_ID}{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}</style>`;
/** @internal The announcer element of a live page. */
export const LIVE_REGION = `<div id="${ANNOUNCE_ID}" aria-live="polite"></div>`;

function pageShell(opts: PageOptions): Shell {
  const hidStart = opts.hidStart ?? 1;
  let start =
    '<!doctype html><html lang="' +
    escapeAttr(opts.lang ?? "en") +
    '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">';
  if (opts.title !== undefined) start += "<title>" + escapeText(opts.title) + "</title>";
  let middle = "";
  const scripts = opts.scripts ?? [];
  for (let i = -1; i < scripts.length; i++) {
    const src = i < 0 ? opts.clientSrc : scripts[i];
    if (src === undefined) continue;
    middle += '<script defer src="' + escapeAttr(src) + '"';
    if (opts.nonce !== undefined) middle += ' nonce="' + escapeAttr(opts.nonce) + '"';
    middle += "></script>";
  }
  // A live page: the navigation progress bar's style (here, not in the client script,
  // whose bytes every page pays) and the region that announces a new page's title.
  if (opts.clientSrc !== undefined) middle += LIVE_STYLE;
  middle += '</head><body><div id="' + ROOT_ID + '" data-hid="' + hidStart + '">';
  let end = "</div>";
  if (opts.clientSrc !== undefined) end += LIVE_REGION;
  if (opts.bootstrap !== undefined) {
    end +=
      '<script type="application/json" id="' +
      BOOT_ID +
      '">' +
      jsonForScript(opts.bootstrap) +
      "</script>";
  }
  end += "</body></html>";
  return { start, middle, end, hidStart };
}
