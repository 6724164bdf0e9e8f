/**
 * Codec for wire node trees (Insert/Replace/FullResync). A node is its `NodeKind`
 * byte, then: element = tag, hid, attribute count, (name, value)*, child count,
 * children; text = text; raw = html.
 */
import { setOwn } from "./json-value.ts";
import { HARD_MAX_DEPTH } from "./limits.ts";
import { NodeKind, type WireElement, type WireNode } from "./patch.ts";
import { depth, malformed, type Reader, unknown } from "./reader.ts";
import { invalid, type Writer } from "./writer.ts";

/** Encodes a tree; nesting past the hard depth cap (e.g. a cycle) is `depth_exceeded`. */
export function writeNode(w: Writer, node: WireNode, level = 1): void {
  if (level > HARD_MAX_DEPTH) throw depth();
  switch (node.kind) {
    case NodeKind.Element: {
      w.u8(NodeKind.Element);
      w.str(node.tag);
      w.uint(node.hid);
      const attrs = node.attrs;
      let n = 0;
      for (const _ in attrs) n++;
      w.uint(n);
      for (const k in attrs) {
        w.str(k, true);
        w.str(attrs[k]!);
      }
      const children = node.children;
      w.uint(children.length);
      for (let i = 0; i < children.length; i++) writeNode(w, children[i]!, level + 1);
      return;
    }
    case NodeKind.Text:
      w.u8(NodeKind.Text);
      w.str(node.text);
      return;
    case NodeKind.Raw:
      w.u8(NodeKind.Raw);
      w.str(node.html);
      return;
    default:
      invalid("node kind");
  }
}

/** Decodes a tree at most `max` nodes deep (the root is level 1). */
export function readNode(r: Reader, max: number, level = 1): WireNode {
  if (level > max) throw depth();
  const kind = r.u8();
  switch (kind) {
    case NodeKind.Element: {
      const tag = r.str();
      const hid = r.uint();
      const nAttrs = r.count(2);
      const attrs: Record<string, string> = {};
      for (let i = 0; i < nAttrs; i++) {
        const name = r.str();
        if (Object.hasOwn(attrs, name)) throw malformed();
        setOwn(attrs, name, r.str());
      }
      const nChildren = r.count(2);
      // nChildren was checked against maxItems and the bytes left.
      const children = new Array<WireNode>(nChildren);
      for (let i = 0; i < nChildren; i++) children[i] = readNode(r, max, level + 1);
      const el: WireElement = { kind: NodeKind.Element, tag, hid, attrs, children };
      return el;
    }
    case NodeKind.Text:
      return { kind: NodeKind.Text, text: r.str() };
    case NodeKind.Raw:
      return { kind: NodeKind.Raw, html: r.str() };
    default:
      throw unknown();
  }
}
