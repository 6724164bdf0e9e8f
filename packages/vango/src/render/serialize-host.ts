/**
 * HTML of a host tree (attributes already normalised, hids assigned), in exactly the
 * format `renderToString` writes for the VNode tree the host tree came from.
 */
import { ATTR_HID } from "../protocol/dom-attrs.ts";
import { NodeKind } from "../protocol/patch.ts";
import type { HElement, HNode } from "../vdom/host.ts";
import { escapeText } from "./escape.ts";
import { TagFlag, tagInfo } from "./html-tags.ts";
import { attrsToString, textareaValue } from "./ssr-attrs.ts";

/**
 * Serialises a host node (and its subtree) to HTML.
 *
 * @example
 * serializeHost({ kind: 1, tag: "p", key: undefined, hid: 3, attrs: { class: "x" }, handlers: null, children: [{ kind: 2, text: "hi" }] });
 * // '<p data-hid="3" class="x">hi</p>'
 */
export function serializeHost(node: HNode): string {
  return write(node, false);
}

function write(node: HNode, first: boolean): string {
  switch (node.kind) {
    case NodeKind.Element:
      return element(node as HElement);
    case NodeKind.Text:
      return first && node.text.charCodeAt(0) === 10
        ? "\n" + escapeText(node.text)
        : escapeText(node.text);
    case NodeKind.Raw:
      return first && node.html.charCodeAt(0) === 10 ? "\n" + node.html : node.html;
    default:
      return "";
  }
}

function element(el: HElement): string {
  const tag = tagInfo(el.tag);
  const flags = tag.flags;
  let out =
    tag.open +
    " " +
    ATTR_HID +
    '="' +
    el.hid +
    '"' +
    attrsToString(el.attrs, (flags & TagFlag.Textarea) !== 0) +
    ">";
  if ((flags & TagFlag.Void) !== 0) return out;
  if ((flags & TagFlag.Textarea) !== 0 && textareaValue !== null) {
    const v = textareaValue;
    return out + (v.charCodeAt(0) === 10 ? "\n" : "") + escapeText(v) + tag.close;
  }
  const children = el.children;
  const guard = (flags & TagFlag.LeadingNewline) !== 0;
  for (let i = 0; i < children.length; i++) out += write(children[i]!, guard && i === 0);
  return out + tag.close;
}
