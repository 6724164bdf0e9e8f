/**
 * Test harness for the live renderer: mounts a view, flushes it, and after every flush
 * checks that (1) the patches, replayed on a copy of the previous tree, give exactly
 * the new live tree, (2) the hid registry matches the live tree, and (3) the host-tree
 * invariants hold.
 */
import { expect } from "vitest";
import { type Patch, PatchOp, type WireNode } from "../../src/protocol/patch.ts";
import { type LiveRoot, type MountLiveOptions, mountLive } from "../../src/render/live-root.ts";
import { type HElement, HKind, type HNode } from "../../src/vdom/host.ts";
import type { VChild } from "../../src/vdom/vnode.ts";

/** A plain copy of a host subtree: tag, hid, attributes, children (no keys/handlers). */
export interface Plain {
  tag: string;
  hid: number;
  attrs: Record<string, string>;
  children: (Plain | { text: string } | { html: string })[];
}

export function plain(node: HNode | WireNode): Plain | { text: string } | { html: string } {
  if (node.kind === HKind.Text) return { text: node.text };
  if (node.kind === HKind.Raw) return { html: node.html };
  return {
    tag: node.tag,
    hid: node.hid,
    attrs: { ...node.attrs },
    children: node.children.map(plain),
  };
}

function findHid(el: Plain, hid: number): Plain | undefined {
  if (el.hid === hid) return el;
  for (const c of el.children) {
    if ("tag" in c) {
      const hit = findHid(c, hid);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

function at(root: Plain, hid: number): Plain {
  const el = findHid(root, hid);
  if (el === undefined) throw new Error(`patch addresses unknown hid ${hid}`);
  return el;
}

/** Applies `patches` to `root` in order, like the browser client would. */
export function applyPatches(root: Plain, patches: readonly Patch[]): void {
  for (const p of patches) {
    switch (p.op) {
      case PatchOp.SetText: {
        const c = at(root, p.parent).children[p.index];
        if (c === undefined || !("text" in c)) throw new Error("SetText on a non-text node");
        c.text = p.text;
        break;
      }
      case PatchOp.SetAttr:
        at(root, p.hid).attrs[p.name] = p.value;
        break;
      case PatchOp.RemoveAttr:
        delete at(root, p.hid).attrs[p.name];
        break;
      case PatchOp.SetProp: {
        const el = at(root, p.hid);
        if (typeof p.value === "string") el.attrs[p.name] = p.value;
        else if (p.value) el.attrs[p.name] = "";
        else delete el.attrs[p.name];
        break;
      }
      case PatchOp.Insert:
        at(root, p.parent).children.splice(p.index, 0, plain(p.node));
        break;
      case PatchOp.Remove:
        at(root, p.parent).children.splice(p.index, 1);
        break;
      case PatchOp.Move: {
        const list = at(root, p.parent).children;
        const [moved] = list.splice(p.from, 1);
        list.splice(p.to, 0, moved!);
        break;
      }
      case PatchOp.Replace:
        at(root, p.parent).children[p.index] = plain(p.node);
        break;
      case PatchOp.SetHtml:
        at(root, p.hid).children = p.html === "" ? [] : [{ html: p.html }];
        break;
    }
  }
}

function sortAttrs(n: Plain | { text: string } | { html: string }): unknown {
  if (!("tag" in n)) return n;
  return {
    tag: n.tag,
    hid: n.hid,
    attrs: Object.fromEntries(Object.entries(n.attrs).sort(([a], [b]) => (a < b ? -1 : 1))),
    children: n.children.map(sortAttrs),
  };
}

/** Registry and host-tree invariants of a live root. */
export function checkLive(view: LiveRoot): void {
  const seen = new Set<number>();
  const walk = (el: HElement): void => {
    expect(seen.has(el.hid), `duplicate hid ${el.hid}`).toBe(false);
    seen.add(el.hid);
    expect(view.element(el.hid), `registry entry of hid ${el.hid}`).toBe(el);
    const c = el.children;
    for (let i = 0; i < c.length; i++) {
      const n = c[i]!;
      if (n.kind === HKind.Text) {
        expect(n.text).not.toBe("");
        if (i > 0) expect(c[i - 1]!.kind).not.toBe(HKind.Text);
      } else if (n.kind === HKind.Raw) {
        expect(c.length).toBe(1);
      } else {
        walk(n);
      }
    }
  };
  walk(view.root);
}

export interface Harness {
  readonly view: LiveRoot;
  /** How many times `onDirty` was called so far. */
  readonly notified: number;
  /** Flushes and returns the patches, after checking them (see the module doc). */
  flush(): Patch[];
  /** The live tree as plain data. */
  tree(): Plain;
}

export function mount(node: VChild, opts: Partial<MountLiveOptions> = {}): Harness {
  let notified = 0;
  const view = mountLive(node, {
    ...opts,
    onDirty: () => {
      notified++;
    },
  });
  checkLive(view);
  const tree = (): Plain => plain(view.root) as Plain;
  return {
    view,
    get notified() {
      return notified;
    },
    tree,
    flush() {
      const before = tree();
      const out: Patch[] = [];
      const n = view.flush(out);
      expect(n).toBe(out.length);
      applyPatches(before, out);
      expect(sortAttrs(before)).toEqual(sortAttrs(tree()));
      checkLive(view);
      return out;
    },
  };
}
