/**
 * Applies a patch list to the live DOM, in order, exactly as `protocol/patch.ts`
 * defines each op. A target that does not exist means client and server disagree: the
 * applier throws and the connection asks for a resync instead of guessing.
 */
import { ATTR_ON } from "../protocol/dom-attrs.ts";
import { PatchOp as P, type Patch } from "../protocol/patch.ts";
import { restoreFocus, saveFocus, setValue } from "./caret.ts";
import type { DomCtx } from "./dom-ctx.ts";
import { buildNode, childNs, scriptUrl, setAttr } from "./wire-dom.ts";

const ALIGN: ScrollLogicalPosition[] = ["start", "center", "end", "nearest"];

function fail(): never {
  throw new Error("vango: patch target missing");
}

function child(parent: Element, index: number): ChildNode {
  return parent.childNodes[index] ?? fail();
}

type Target = HTMLElement & { moveBefore?: (n: Node, r: Node | null) => void };

/**
 * @example
 * applyPatches(ctx, [{ op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 2" }]);
 */
export function applyPatches(ctx: DomCtx, patches: readonly Patch[]): void {
  const doc = ctx.doc;
  const win = doc.defaultView!;
  const hids = ctx.hids;
  const focus = saveFocus(doc);
  let focusMoved = false;
  ctx.muted = true;
  try {
    for (const p of patches) {
      // Every op addresses an element by `hid` or `parent`; hid 0 (ScrollTo, Dispatch) and
      // ops without one (URL, navigation) get the window.
      // (Read as fields, not `"hid" in p`: the build mangles these property names.)
      const id = (p as { hid?: number }).hid ?? (p as { parent?: number }).parent ?? 0;
      const el = (id ? (hids.get(id) ?? fail()) : win) as Target;
      switch (p.op) {
        case P.SetText: {
          const n = child(el, p.index);
          if (n.nodeType !== 3) fail();
          (n as Text).data = p.text;
          break;
        }
        case P.SetAttr:
          setAttr(el, p.name, p.value);
          if (p.name === ATTR_ON) ctx.listen(p.value);
          break;
        case P.RemoveAttr:
          el.removeAttribute(p.name);
          break;
        case P.SetProp:
          if (p.name !== "value") (el as unknown as Record<string, boolean>)[p.name] = !!p.value;
          // A value made before the server saw the user's latest keystrokes is stale:
          // writing it into the focused control would undo what they just typed.
          else if (!(el === ctx.typed && el === doc.activeElement && ctx.typedCseq > ctx.processed))
            setValue(el, "" + p.value);
          break;
        case P.Insert: {
          const kids = el.childNodes;
          if (p.index > kids.length) fail();
          el.insertBefore(buildNode(ctx, p.node, childNs(el)), kids[p.index] ?? null);
          break;
        }
        case P.Remove:
        case P.Replace: {
          const old = child(el, p.index);
          hids.forget(old);
          if (p.op === P.Remove) el.removeChild(old);
          else el.replaceChild(buildNode(ctx, p.node, childNs(el)), old);
          break;
        }
        case P.Move: {
          const n = child(el, p.from);
          const kids = el.childNodes;
          if (p.to >= kids.length) fail();
          // `to` counts after removal: past `from`, the reference is one further on.
          const ref = kids[p.to < p.from ? p.to : p.to + 1] ?? null;
          // `moveBefore` (Chromium 133+) keeps focus, selection and iframe state.
          if (p.to !== p.from) el.moveBefore ? el.moveBefore(n, ref) : el.insertBefore(n, ref);
          break;
        }
        case P.SetHtml:
          for (let c = el.firstElementChild; c; c = c.nextElementSibling) hids.forget(c);
          el.innerHTML = p.html;
          break;
        case P.AddClass:
          el.classList.add(p.name);
          break;
        case P.RemoveClass:
          el.classList.remove(p.name);
          break;
        case P.ToggleClass:
          el.classList.toggle(p.name);
          break;
        case P.SetStyle:
          el.style.setProperty(p.name, p.value);
          break;
        case P.RemoveStyle:
          el.style.removeProperty(p.name);
          break;
        case P.SetData:
        case P.RemoveData:
          if (p.name !== "hid" && p.name !== "on") {
            if (p.op === P.SetData) el.setAttribute("data-" + p.name, p.value);
            else el.removeAttribute("data-" + p.name);
          }
          break;
        case P.Focus:
        case P.Blur:
          focusMoved = true;
          if (p.op === P.Focus) el.focus();
          else el.blur();
          break;
        case P.ScrollIntoView:
          el.scrollIntoView({ block: ALIGN[p.align], behavior: p.smooth ? "smooth" : "auto" });
          break;
        case P.ScrollTo:
          el.scrollTo({ top: p.top, left: p.left, behavior: p.smooth ? "smooth" : "auto" });
          break;
        case P.PushUrl:
        case P.ReplaceUrl:
          // A cross-origin URL throws in pushState; one bad URL must not fail the batch.
          try {
            win.history[p.op === P.PushUrl ? "pushState" : "replaceState"](null, "", p.url);
          } catch {}
          break;
        case P.Navigate:
          if (!scriptUrl(p.url)) win.location[p.replace ? "replace" : "assign"](p.url);
          break;
        case P.Dispatch:
          el.dispatchEvent(new CustomEvent(p.name, { detail: p.payload, bubbles: true }));
          break;
        case P.SetTitle:
          doc.title = p.text;
          break;
        default:
          fail();
      }
    }
  } finally {
    if (!focusMoved) restoreFocus(doc, focus);
    ctx.muted = false;
  }
}
