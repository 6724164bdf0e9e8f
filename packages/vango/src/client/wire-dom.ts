/**
 * Builds DOM nodes from wire trees (`Insert`/`Replace` patches) and guards every
 * attribute write: the server never sends `on*` attributes or `javascript:` URLs, and
 * the client refuses them too, so a server bug cannot become script execution.
 */
import { ATTR_HID, ATTR_ON } from "../protocol/dom-attrs.ts";
import { NodeKind, type WireNode } from "../protocol/patch.ts";
import type { DomCtx } from "./dom-ctx.ts";

const HTML_NS = "http://www.w3.org/1999/xhtml";
const SVG_NS = "http://www.w3.org/2000/svg";
const MATH_NS = "http://www.w3.org/1998/Math/MathML";

const URL_ATTR = /^(href|src|action|formaction|xlink:href|poster|cite|data|background)$/i;
const SCRIPT_URL = /^javascript:/i;

/** Browsers ignore C0 controls and spaces around and inside a URL scheme. */
function squash(url: string): string {
  let out = "";
  for (let i = 0; i < url.length; i++) if (url.charCodeAt(i) > 32) out += url[i];
  return out;
}

/** True when writing this attribute could run script. */
function unsafeAttr(name: string, value: string): boolean {
  return /^on/i.test(name) || (URL_ATTR.test(name) && SCRIPT_URL.test(squash(value)));
}

/** True when `url` would run script if navigated to. */
export function scriptUrl(url: string): boolean {
  return SCRIPT_URL.test(squash(url));
}

/** `setAttribute` unless the attribute is unsafe. */
export function setAttr(el: Element, name: string, value: string): void {
  if (!unsafeAttr(name, value)) el.setAttribute(name, value);
}

/** Namespace of new children of `parent` (HTML inside `foreignObject`). */
export function childNs(parent: Element): string {
  return parent.localName === "foreignObject" ? HTML_NS : (parent.namespaceURI ?? HTML_NS);
}

/**
 * Creates the DOM for `node` (children included), records its hids and reports its
 * `data-on` specs. Raw markup becomes a `DocumentFragment` parsed through a `<template>`.
 * @example
 * parent.insertBefore(buildNode(ctx, wire, childNs(parent)), null);
 */
export function buildNode(ctx: DomCtx, node: WireNode, ns: string): Node {
  const doc = ctx.doc;
  if (node.kind === NodeKind.Text) return doc.createTextNode(node.text);
  if (node.kind === NodeKind.Raw) {
    const t = doc.createElement("template");
    t.innerHTML = node.html;
    return t.content;
  }
  const tag = node.tag;
  const elNs = tag === "svg" ? SVG_NS : tag === "math" ? MATH_NS : ns;
  const el = elNs === HTML_NS ? doc.createElement(tag) : doc.createElementNS(elNs, tag);
  const attrs = node.attrs;
  for (const name in attrs) {
    const value = attrs[name]!;
    setAttr(el, name, value);
    if (name === ATTR_ON) ctx.listen(value);
  }
  el.setAttribute(ATTR_HID, "" + node.hid);
  ctx.hids.set(node.hid, el);
  const kids = node.children;
  const kidNs = childNs(el);
  for (let i = 0; i < kids.length; i++) el.appendChild(buildNode(ctx, kids[i]!, kidNs));
  return el;
}
