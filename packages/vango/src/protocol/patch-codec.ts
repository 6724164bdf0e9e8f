/**
 * Codec for one patch: its `PatchOp` byte, then the fields of that op in the order
 * of docs/protocol.md ("Patch ops").
 */
import { readJson, writeJson } from "./json-value.ts";
import { LIVE_PROPS, type Patch, PatchOp, type PropValue, type ScrollAlign } from "./patch.ts";
import { malformed, type Reader, unknown } from "./reader.ts";
import { readNode, writeNode } from "./wire-node.ts";
import { invalid, type Writer } from "./writer.ts";

/** SetProp packs `prop index | value kind << 2` into one byte. */
const PROP_FALSE = 0;
const PROP_TRUE = 1;
const PROP_STRING = 2;

export function writePatch(w: Writer, p: Patch): void {
  w.u8(p.op);
  switch (p.op) {
    case PatchOp.SetText:
      w.uint(p.parent);
      w.uint(p.index);
      w.str(p.text);
      return;
    case PatchOp.SetAttr:
    case PatchOp.SetStyle:
    case PatchOp.SetData:
      w.uint(p.hid);
      w.str(p.name);
      w.str(p.value);
      return;
    case PatchOp.RemoveAttr:
    case PatchOp.AddClass:
    case PatchOp.RemoveClass:
    case PatchOp.ToggleClass:
    case PatchOp.RemoveStyle:
    case PatchOp.RemoveData:
      w.uint(p.hid);
      w.str(p.name);
      return;
    case PatchOp.SetProp:
      w.uint(p.hid);
      writeProp(w, p.name, p.value);
      return;
    case PatchOp.Insert:
    case PatchOp.Replace:
      w.uint(p.parent);
      w.uint(p.index);
      writeNode(w, p.node);
      return;
    case PatchOp.Remove:
      w.uint(p.parent);
      w.uint(p.index);
      return;
    case PatchOp.Move:
      w.uint(p.parent);
      w.uint(p.from);
      w.uint(p.to);
      return;
    case PatchOp.SetHtml:
      w.uint(p.hid);
      w.str(p.html);
      return;
    case PatchOp.Focus:
    case PatchOp.Blur:
      w.uint(p.hid);
      return;
    case PatchOp.ScrollIntoView:
      if (!(p.align >= 0 && p.align <= 3)) invalid("align");
      w.uint(p.hid);
      w.u8(p.align | (p.smooth ? 4 : 0));
      return;
    case PatchOp.ScrollTo:
      w.uint(p.hid);
      w.sint(p.top);
      w.sint(p.left);
      w.bool(p.smooth);
      return;
    case PatchOp.PushUrl:
    case PatchOp.ReplaceUrl:
      w.str(p.url);
      return;
    case PatchOp.Navigate:
      w.str(p.url);
      w.bool(p.replace);
      return;
    case PatchOp.SetTitle:
      w.str(p.text);
      return;
    case PatchOp.Dispatch:
      w.uint(p.hid);
      w.str(p.name);
      writeJson(w, p.payload);
      return;
    default:
      invalid("patch op");
  }
}

function writeProp(w: Writer, name: string, value: PropValue): void {
  const idx = (LIVE_PROPS as readonly string[]).indexOf(name);
  if (idx < 0) invalid("live prop");
  if (typeof value === "string") {
    w.u8(idx | (PROP_STRING << 2));
    w.str(value);
  } else w.u8(idx | ((value ? PROP_TRUE : PROP_FALSE) << 2));
}

/** Decodes one patch; `nodeDepth`/`valueDepth` bound wire-node trees and Dispatch payloads. */
export function readPatch(r: Reader, nodeDepth: number, valueDepth: number): Patch {
  const op = r.u8();
  switch (op) {
    case PatchOp.SetText:
      return { op, parent: r.uint(), index: r.uint(), text: r.str() };
    case PatchOp.SetAttr:
    case PatchOp.SetStyle:
    case PatchOp.SetData:
      return { op, hid: r.uint(), name: r.str(), value: r.str() };
    case PatchOp.RemoveAttr:
    case PatchOp.AddClass:
    case PatchOp.RemoveClass:
    case PatchOp.ToggleClass:
    case PatchOp.RemoveStyle:
    case PatchOp.RemoveData:
      return { op, hid: r.uint(), name: r.str() };
    case PatchOp.SetProp: {
      const hid = r.uint();
      const b = r.u8();
      const name = LIVE_PROPS[b & 3];
      const kind = b >> 2;
      if (name === undefined || kind > PROP_STRING) throw malformed();
      const value = kind === PROP_STRING ? r.str() : kind === PROP_TRUE;
      return { op, hid, name, value };
    }
    case PatchOp.Insert:
    case PatchOp.Replace:
      return { op, parent: r.uint(), index: r.uint(), node: readNode(r, nodeDepth) };
    case PatchOp.Remove:
      return { op, parent: r.uint(), index: r.uint() };
    case PatchOp.Move:
      return { op, parent: r.uint(), from: r.uint(), to: r.uint() };
    case PatchOp.SetHtml:
      return { op, hid: r.uint(), html: r.str() };
    case PatchOp.Focus:
    case PatchOp.Blur:
      return { op, hid: r.uint() };
    case PatchOp.ScrollIntoView: {
      const hid = r.uint();
      const b = r.u8();
      if (b > 7) throw malformed();
      return { op, hid, align: (b & 3) as ScrollAlign, smooth: b > 3 };
    }
    case PatchOp.ScrollTo:
      return { op, hid: r.uint(), top: r.sint(), left: r.sint(), smooth: r.bool() };
    case PatchOp.PushUrl:
    case PatchOp.ReplaceUrl:
      return { op, url: r.str() };
    case PatchOp.Navigate:
      return { op, url: r.str(), replace: r.bool() };
    case PatchOp.SetTitle:
      return { op, text: r.str() };
    case PatchOp.Dispatch:
      return { op, hid: r.uint(), name: r.str(), payload: readJson(r, valueDepth) };
    default:
      throw unknown();
  }
}
