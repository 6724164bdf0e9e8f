/**
 * A reference patch applier over a plain model of the DOM, addressing nodes exactly as
 * the browser client does: elements by hid, child positions by (parent hid, index into
 * the current child list), patches applied in order. Live props (`value`, `checked`,
 * `selected`) are kept apart from attributes, like DOM properties.
 *
 * It throws on any patch the browser could not apply faithfully (unknown hid, index out
 * of range, SetText on an element, SetAttr of a live prop, RemoveAttr of a missing one).
 */
import { type Patch, PatchOp } from "../../src/protocol/patch.ts";
import { HKind, type HNode } from "../../src/vdom/host.ts";

export interface MElement {
  tag: string;
  hid: number;
  attrs: Record<string, string>;
  props: { value: string; checked: boolean; selected: boolean };
  children: MNode[];
}
export type MNode = MElement | { text: string } | { html: string };

/** The model of the DOM that a host tree renders to (deep copy). */
export function toModel(node: HNode): MNode {
  if (node.kind === HKind.Text) return { text: node.text };
  if (node.kind === HKind.Raw) return { html: node.html };
  const attrs: Record<string, string> = {};
  for (const name of Object.keys(node.attrs).sort()) {
    if (name !== "value" && name !== "checked" && name !== "selected") {
      attrs[name] = node.attrs[name]!;
    }
  }
  const children: MNode[] = [];
  for (const c of node.children) {
    // Empty markup parses into no DOM node.
    if (c.kind === HKind.Raw && c.html === "") continue;
    children.push(toModel(c));
  }
  return {
    tag: node.tag,
    hid: node.hid,
    attrs,
    props: {
      value: node.attrs.value ?? "",
      checked: node.attrs.checked !== undefined,
      selected: node.attrs.selected !== undefined,
    },
    children,
  };
}

function isElement(n: MNode): n is MElement {
  return "tag" in n;
}

function find(root: MElement, hid: number): MElement {
  let found: MElement | null = null;
  const walk = (e: MElement) => {
    if (e.hid === hid) {
      if (found !== null) throw new Error(`duplicate hid ${hid}`);
      found = e;
    }
    for (const c of e.children) if (isElement(c)) walk(c);
  };
  walk(root);
  if (found === null) throw new Error(`no element with hid ${hid}`);
  return found;
}

function childList(root: MElement, hid: number): MNode[] {
  const list = find(root, hid).children;
  if (list.some((c) => "html" in c)) throw new Error(`indexing into raw content of ${hid}`);
  return list;
}

function checkIndex(list: MNode[], index: number, max: number): void {
  if (!Number.isInteger(index) || index < 0 || index > max) {
    throw new Error(`index ${index} out of range 0..${max} (length ${list.length})`);
  }
}

function resort(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(attrs).sort()) out[k] = attrs[k]!;
  return out;
}

/** Applies `patches` in order to `root` (mutated) and returns it. */
export function applyPatches(root: MElement, patches: readonly Patch[]): MElement {
  for (const p of patches) {
    switch (p.op) {
      case PatchOp.SetText: {
        const list = childList(root, p.parent);
        checkIndex(list, p.index, list.length - 1);
        const node = list[p.index]!;
        if (!("text" in node)) throw new Error("SetText on a non-text node");
        node.text = p.text;
        break;
      }
      case PatchOp.SetAttr: {
        if (p.name === "value" || p.name === "checked" || p.name === "selected") {
          throw new Error(`SetAttr of live prop ${p.name}`);
        }
        const e = find(root, p.hid);
        e.attrs[p.name] = p.value;
        e.attrs = resort(e.attrs);
        break;
      }
      case PatchOp.RemoveAttr: {
        const e = find(root, p.hid);
        if (!(p.name in e.attrs)) throw new Error(`RemoveAttr of missing ${p.name}`);
        delete e.attrs[p.name];
        break;
      }
      case PatchOp.SetProp: {
        const e = find(root, p.hid);
        if (p.name === "value") {
          if (typeof p.value !== "string") throw new Error("value must be a string");
          e.props.value = p.value;
        } else {
          if (typeof p.value !== "boolean") throw new Error(`${p.name} must be a boolean`);
          e.props[p.name] = p.value;
        }
        break;
      }
      case PatchOp.Insert: {
        const list = childList(root, p.parent);
        checkIndex(list, p.index, list.length);
        list.splice(p.index, 0, toModel(p.node as HNode));
        break;
      }
      case PatchOp.Remove: {
        const list = childList(root, p.parent);
        checkIndex(list, p.index, list.length - 1);
        list.splice(p.index, 1);
        break;
      }
      case PatchOp.Move: {
        const list = childList(root, p.parent);
        checkIndex(list, p.from, list.length - 1);
        const [node] = list.splice(p.from, 1);
        checkIndex(list, p.to, list.length);
        list.splice(p.to, 0, node!);
        break;
      }
      case PatchOp.Replace: {
        const list = childList(root, p.parent);
        checkIndex(list, p.index, list.length - 1);
        list[p.index] = toModel(p.node as HNode);
        break;
      }
      case PatchOp.SetHtml: {
        const e = find(root, p.hid);
        e.children = p.html === "" ? [] : [{ html: p.html }];
        break;
      }
      default:
        throw new Error(`unexpected op ${p.op}`);
    }
  }
  return root;
}
