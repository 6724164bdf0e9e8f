/**
 * Child-list reconciliation of matched elements (the recursive half of the diff).
 *
 * Matching: keyed elements by key (a different tag under the same key is a `Replace`);
 * unkeyed elements by position among unkeyed siblings of the same tag; texts by
 * position among texts. A raw child (always an only child) is swapped with `SetHtml`.
 *
 * Emission walks the new list in document order, so fresh hids come out in pre-order:
 * common prefix, then the differing middle, then the keyed common suffix. Indices are
 * those of the parent's child list after the preceding patches, as the client applies
 * them in sequence. An unchanged list of the same keys in the same order is handled by
 * the prefix loop alone, without allocating.
 */
import { type Patch, PatchOp } from "../protocol/patch.ts";
import { diffAttrs } from "./diff-attrs.ts";
import { cloneFresh, type DiffHost, mountAt, unmountTree } from "./diff-host.ts";
import { fenwickAdd, fenwickBuild, fenwickPrefix } from "./fenwick.ts";
import { type HElement, HKind, type HNode } from "./host.ts";
import { markLis } from "./lis.ts";
import type { Key } from "./vnode.ts";

/** Patches matched element `next` from `prev` (same tag, different objects). */
export function patchElement(prev: HElement, next: HElement, host: DiffHost, out: Patch[]): void {
  next.hid = prev.hid;
  host.updated(next);
  if (prev.attrs !== next.attrs) diffAttrs(next.hid, prev.attrs, next.attrs, out);
  if (prev.children !== next.children) {
    patchChildren(next.hid, prev.children, next.children, host, out);
  }
}

function isRawOnly(list: HNode[]): boolean {
  return list.length === 1 && list[0]!.kind === HKind.Raw;
}

/** Whether `y` takes the place of `x` when both sit at the same index of the prefix. */
function samePlace(x: HNode, y: HNode): boolean {
  if (x.kind === HKind.Element) {
    if (y.kind !== HKind.Element || x.key !== y.key) return false;
    return x.key !== undefined || x.tag === y.tag;
  }
  return x.kind === HKind.Text && y.kind === HKind.Text;
}

function isUnkeyed(node: HNode, tag: string): boolean {
  return node.kind === HKind.Element && node.key === undefined && node.tag === tag;
}

/**
 * Updates the matched pair `x` (old) ↔ `next[k]`, which sits at `index` in the parent's
 * current child list. A new element that already carries another hid is shared with a
 * live tree; it is copied first so that tree keeps its hids.
 */
function patchPair(
  parent: number,
  index: number,
  x: HNode,
  next: HNode[],
  k: number,
  host: DiffHost,
  out: Patch[],
): void {
  const y = next[k]!;
  if (x === y) return;
  if (y.kind === HKind.Text) {
    if (x.kind === HKind.Text && x.text !== y.text) {
      out.push({ op: PatchOp.SetText, parent, index, text: y.text });
    }
    return;
  }
  if (y.kind !== HKind.Element || x.kind !== HKind.Element) return;
  if (x.tag !== y.tag) {
    unmountTree(x, host);
    const node = mountAt(next, k, host);
    out.push({ op: PatchOp.Replace, parent, index, node });
    return;
  }
  let el = y;
  if (el.hid !== 0 && el.hid !== x.hid) {
    el = cloneFresh(el);
    next[k] = el;
  }
  patchElement(x, el, host, out);
}

/** Appends the patches that turn child list `a` of element `parent` into `b`. */
function patchChildren(parent: number, a: HNode[], b: HNode[], host: DiffHost, out: Patch[]): void {
  if (isRawOnly(a) || isRawOnly(b)) {
    patchRaw(parent, a, b, host, out);
    return;
  }
  const m = a.length;
  const n = b.length;
  const min = Math.min(m, n);
  let s = 0;
  for (; s < min; s++) {
    const x = a[s]!;
    const y = b[s]!;
    if (x === y) continue;
    if (!samePlace(x, y)) break;
    patchPair(parent, s, x, b, s, host, out);
  }
  // Only keyed elements match from the end: unkeyed ones match by position from the start.
  let ea = m;
  let eb = n;
  while (ea > s && eb > s) {
    const x = a[ea - 1]!;
    const y = b[eb - 1]!;
    if (x.kind !== HKind.Element || y.kind !== HKind.Element) break;
    if (x.key === undefined || x.key !== y.key || x.tag !== y.tag) break;
    ea--;
    eb--;
  }
  if (s === ea) {
    for (let k = s; k < eb; k++) {
      const node = mountAt(b, k, host);
      out.push({ op: PatchOp.Insert, parent, index: k, node });
    }
  } else if (s === eb) {
    for (let j = ea - 1; j >= s; j--) {
      unmountTree(a[j]!, host);
      out.push({ op: PatchOp.Remove, parent, index: j });
    }
  } else {
    reconcileMiddle(parent, a, b, s, ea, eb, host, out);
  }
  // The suffix pairs share tag and key; their indices are not needed.
  for (let j = ea, k = eb; j < m; j++, k++) patchPair(parent, k, a[j]!, b, k, host, out);
}

function patchRaw(parent: number, a: HNode[], b: HNode[], host: DiffHost, out: Patch[]): void {
  const y = b.length === 1 ? b[0]! : undefined;
  if (y !== undefined && y.kind === HKind.Raw) {
    const x = a.length === 1 ? a[0]! : undefined;
    if (x !== undefined && x.kind === HKind.Raw) {
      if (x.html !== y.html) out.push({ op: PatchOp.SetHtml, hid: parent, html: y.html });
      return;
    }
    for (let j = 0; j < a.length; j++) unmountTree(a[j]!, host);
    out.push({ op: PatchOp.SetHtml, hid: parent, html: y.html });
    return;
  }
  // The old content was raw markup: clear it, then insert the new children.
  out.push({ op: PatchOp.SetHtml, hid: parent, html: "" });
  for (let k = 0; k < b.length; k++) {
    const node = mountAt(b, k, host);
    out.push({ op: PatchOp.Insert, parent, index: k, node });
  }
}

/** Fills `newToOld`/`oldToNew` (middle-relative indices, -1 = unmatched). */
function matchMiddle(
  a: HNode[],
  b: HNode[],
  s: number,
  newToOld: Int32Array,
  oldToNew: Int32Array,
): void {
  const om = oldToNew.length;
  const nm = newToOld.length;
  let keyed: Map<Key, number> | null = null;
  for (let j = 0; j < om; j++) {
    const x = a[s + j]!;
    if (x.kind === HKind.Element && x.key !== undefined) {
      if (keyed === null) keyed = new Map();
      keyed.set(x.key, j);
    }
  }
  let textAt = 0;
  let tagAt: Map<string, number> | null = null;
  for (let k = 0; k < nm; k++) {
    const y = b[s + k]!;
    let j = -1;
    if (y.kind === HKind.Text) {
      while (textAt < om && a[s + textAt]!.kind !== HKind.Text) textAt++;
      if (textAt < om) j = textAt++;
    } else if (y.kind === HKind.Element) {
      if (y.key !== undefined) {
        const hit = keyed === null ? undefined : keyed.get(y.key);
        if (hit !== undefined && oldToNew[hit]! < 0) j = hit;
      } else {
        const tag = y.tag;
        let c = tagAt === null ? 0 : (tagAt.get(tag) ?? 0);
        while (c < om && !isUnkeyed(a[s + c]!, tag)) c++;
        if (c < om) j = c++;
        if (tagAt === null) tagAt = new Map();
        tagAt.set(tag, c);
      }
    }
    if (j >= 0) {
      newToOld[k] = j;
      oldToNew[j] = k;
    }
  }
}

/** The differing middle `a[s..ea)` → `b[s..eb)`, both non-empty. */
function reconcileMiddle(
  parent: number,
  a: HNode[],
  b: HNode[],
  s: number,
  ea: number,
  eb: number,
  host: DiffHost,
  out: Patch[],
): void {
  const om = ea - s;
  const nm = eb - s;
  const newToOld = new Int32Array(nm).fill(-1);
  const oldToNew = new Int32Array(om).fill(-1);
  matchMiddle(a, b, s, newToOld, oldToNew);
  let last = -1;
  for (let j = 0; j < om; j++) {
    const k = oldToNew[j]!;
    if (k < 0) continue;
    if (k < last) {
      reorderMiddle(parent, a, b, s, newToOld, oldToNew, host, out);
      return;
    }
    last = k;
  }
  // Kept nodes are already in order: one merged walk. Between two kept nodes, removed
  // and inserted ones pair up as `Replace` (a tag change in place), the rest are
  // `Remove`/`Insert` at the position the walk has reached.
  let j = 0;
  let k = 0;
  let index = s;
  while (j < om || k < nm) {
    const oldGone = j < om && oldToNew[j]! < 0;
    const newFresh = k < nm && newToOld[k]! < 0;
    if (oldGone && newFresh) {
      unmountTree(a[s + j]!, host);
      const node = mountAt(b, s + k, host);
      out.push({ op: PatchOp.Replace, parent, index, node });
      j++;
      k++;
      index++;
    } else if (oldGone) {
      unmountTree(a[s + j]!, host);
      out.push({ op: PatchOp.Remove, parent, index });
      j++;
    } else if (newFresh) {
      const node = mountAt(b, s + k, host);
      out.push({ op: PatchOp.Insert, parent, index, node });
      k++;
      index++;
    } else {
      patchPair(parent, index, a[s + j]!, b, s + k, host, out);
      j++;
      k++;
      index++;
    }
  }
}

/**
 * Reorder with the minimum number of moves: nodes on a longest increasing subsequence
 * (in old order, by new position) stay; every other kept node moves once.
 *
 * Positions are tracked with occupancy slots in one total order that is valid at every
 * step: the old slots of kept nodes in old order, and before each staying node a gap
 * reserved for the moved/inserted nodes that end up just before it (plus a gap at the
 * end). A node's current index is then the number of occupied slots before its own.
 */
function reorderMiddle(
  parent: number,
  a: HNode[],
  b: HNode[],
  s: number,
  newToOld: Int32Array,
  oldToNew: Int32Array,
  host: DiffHost,
  out: Patch[],
): void {
  const om = oldToNew.length;
  const nm = newToOld.length;
  // Last first, so the indices of the ones still to remove are unchanged.
  for (let j = om - 1; j >= 0; j--) {
    if (oldToNew[j]! < 0) {
      unmountTree(a[s + j]!, host);
      out.push({ op: PatchOp.Remove, parent, index: s + j });
    }
  }
  const seq = new Int32Array(om);
  let kept = 0;
  for (let j = 0; j < om; j++) {
    const k = oldToNew[j]!;
    if (k >= 0) seq[kept++] = k;
  }
  const stays = new Uint8Array(nm);
  markLis(seq, kept, stays);

  const slotOld = seq; // reused: seq is not needed after the LIS
  let slot = 0;
  let prevStay = -1;
  for (let j = 0; j < om; j++) {
    const k = oldToNew[j]!;
    if (k < 0) continue;
    if (stays[k] === 1) {
      slot += k - prevStay - 1;
      prevStay = k;
    }
    slotOld[j] = slot++;
  }
  const size = slot + (nm - 1 - prevStay);
  const slotNew = new Int32Array(nm);
  let anchor = size;
  for (let k = nm - 1; k >= 0; k--) {
    if (stays[k] === 1) anchor = slotOld[newToOld[k]!]!;
    else anchor--;
    slotNew[k] = anchor;
  }
  const tree = new Int32Array(size + 1);
  for (let j = 0; j < om; j++) if (oldToNew[j]! >= 0) tree[slotOld[j]! + 1] = 1;
  fenwickBuild(tree);

  for (let k = 0; k < nm; k++) {
    const j = newToOld[k]!;
    const to = slotNew[k]!;
    if (j < 0) {
      fenwickAdd(tree, to, 1);
      const node = mountAt(b, s + k, host);
      out.push({ op: PatchOp.Insert, parent, index: s + fenwickPrefix(tree, to) - 1, node });
      continue;
    }
    if (stays[k] === 0) {
      const from = slotOld[j]!;
      const fromIndex = s + fenwickPrefix(tree, from) - 1;
      fenwickAdd(tree, from, -1);
      fenwickAdd(tree, to, 1);
      out.push({
        op: PatchOp.Move,
        parent,
        from: fromIndex,
        to: s + fenwickPrefix(tree, to) - 1,
      });
    }
    patchPair(parent, s + fenwickPrefix(tree, to) - 1, a[s + j]!, b, s + k, host, out);
  }
}
