/**
 * Attribute diff of one matched element. Live form state (`value`, `checked`,
 * `selected`) is sent as `SetProp`, because after user input the DOM property, not the
 * attribute, is what the page shows.
 */
import { type Patch, PatchOp } from "../protocol/patch.ts";

/** Appends the patches that turn attributes `prev` into `next` on element `hid`. */
export function diffAttrs(
  hid: number,
  prev: Readonly<Record<string, string>>,
  next: Readonly<Record<string, string>>,
  out: Patch[],
): void {
  for (const name in next) {
    const value = next[name]!;
    // Attribute values are always strings, so an inherited member (`prev.constructor`)
    // never equals one and a missing attribute is never mistaken for a present one.
    const old = prev[name];
    if (old === value) continue;
    if (name === "value") {
      out.push({ op: PatchOp.SetProp, hid, name, value });
    } else if (name === "checked" || name === "selected") {
      if (typeof old !== "string") out.push({ op: PatchOp.SetProp, hid, name, value: true });
    } else {
      out.push({ op: PatchOp.SetAttr, hid, name, value });
    }
  }
  for (const name in prev) {
    if (typeof next[name] === "string") continue;
    if (name === "value") {
      out.push({ op: PatchOp.SetProp, hid, name, value: "" });
    } else if (name === "checked" || name === "selected") {
      out.push({ op: PatchOp.SetProp, hid, name, value: false });
    } else {
      out.push({ op: PatchOp.RemoveAttr, hid, name });
    }
  }
}
