import { describe, expect, it } from "vitest";
import { type Patch, PatchOp } from "../../src/protocol/patch.ts";
import { assignHids, diff } from "../../src/vdom/diff.ts";
import type { HElement, HNode } from "../../src/vdom/host.ts";
import { applyPatches, type MElement, toModel } from "./apply-model.ts";
import { el, hidsOf, kel, rawNode, recordingHost, rows, txt } from "./host-util.ts";

/** Mounts `prev` (hids 1…n in pre-order), diffs it against `next`, checks the result. */
function run(prev: HElement, next: HElement) {
  const host = recordingHost();
  assignHids(prev, host);
  host.reset();
  const model = toModel(prev) as MElement;
  const out: Patch[] = [];
  diff(prev, next, host, out);
  expect(applyPatches(model, out)).toEqual(toModel(next));
  return { out, host };
}

const ul = (...children: HNode[]) => el("ul", {}, children);
const li = (text: string) => el("li", {}, [txt(text)]);

const setText = (parent: number, index: number, text: string): Patch => ({
  op: PatchOp.SetText,
  parent,
  index,
  text,
});
const move = (parent: number, from: number, to: number): Patch => ({
  op: PatchOp.Move,
  parent,
  from,
  to,
});
const insert = (parent: number, index: number, node: HNode): Patch => ({
  op: PatchOp.Insert,
  parent,
  index,
  node,
});
const remove = (parent: number, index: number): Patch => ({ op: PatchOp.Remove, parent, index });

describe("diff: texts and attributes", () => {
  it("changes a text with SetText addressed by parent hid and index", () => {
    const { out, host } = run(
      el("div", {}, [el("p", {}, [txt("a")])]),
      el("div", {}, [el("p", {}, [txt("b")])]),
    );
    expect(out).toEqual([setText(2, 0, "b")]);
    expect(host.updatedHids).toEqual([1, 2]);
    expect(host.mountedHids).toEqual([]);
    expect(host.unmountedHids).toEqual([]);
  });

  it("sets, changes and removes attributes", () => {
    const { out } = run(
      el("div", { class: "a", id: "x", title: "t" }),
      el("div", { class: "b", id: "x", lang: "en" }),
    );
    expect(out).toEqual([
      { op: PatchOp.SetAttr, hid: 1, name: "class", value: "b" },
      { op: PatchOp.SetAttr, hid: 1, name: "lang", value: "en" },
      { op: PatchOp.RemoveAttr, hid: 1, name: "title" },
    ]);
  });

  it("emits no patch for equal attributes in a fresh object", () => {
    const { out } = run(el("div", { class: "a" }), el("div", { class: "a" }));
    expect(out).toEqual([]);
  });

  it("sends live props as SetProp: value as a string, checked/selected as booleans", () => {
    const a = run(el("input", { value: "a", checked: "" }), el("input", { value: "b" }));
    expect(a.out).toEqual([
      { op: PatchOp.SetProp, hid: 1, name: "value", value: "b" },
      { op: PatchOp.SetProp, hid: 1, name: "checked", value: false },
    ]);
    const b = run(
      el("input", { type: "checkbox" }),
      el("input", { type: "checkbox", checked: "" }),
    );
    expect(b.out).toEqual([{ op: PatchOp.SetProp, hid: 1, name: "checked", value: true }]);
    const c = run(el("option", { selected: "" }), el("option", { selected: "selected" }));
    expect(c.out).toEqual([]);
    const d = run(el("option", { value: "x", selected: "" }), el("option", {}));
    expect(d.out).toEqual([
      { op: PatchOp.SetProp, hid: 1, name: "value", value: "" },
      { op: PatchOp.SetProp, hid: 1, name: "selected", value: false },
    ]);
  });

  it("treats prototype member names as ordinary attribute names", () => {
    const { out } = run(el("div", { toString: "x" }), el("div", { constructor: "y" }));
    expect(out).toEqual([
      { op: PatchOp.SetAttr, hid: 1, name: "constructor", value: "y" },
      { op: PatchOp.RemoveAttr, hid: 1, name: "toString" },
    ]);
  });
});

describe("diff: keyed reorder uses the minimal number of moves", () => {
  it("reverses four rows with three moves and no insert/remove", () => {
    const { out, host } = run(ul(...rows("a", "b", "c", "d")), ul(...rows("d", "c", "b", "a")));
    expect(out).toEqual([move(1, 2, 3), move(1, 1, 3), move(1, 0, 3)]);
    expect(host.mountedHids).toEqual([]);
    expect(host.unmountedHids).toEqual([]);
  });

  it("swaps two adjacent rows with one move", () => {
    const { out } = run(ul(...rows("a", "b", "c", "d")), ul(...rows("a", "c", "b", "d")));
    expect(out).toEqual([move(1, 1, 2)]);
  });

  it("swaps two distant rows with two moves", () => {
    const { out } = run(ul(...rows("a", "b", "c", "d", "e")), ul(...rows("a", "d", "c", "b", "e")));
    expect(out).toEqual([move(1, 2, 3), move(1, 1, 3)]);
  });

  it("moves one row to the front / to the back with one move", () => {
    expect(run(ul(...rows("a", "b", "c", "d")), ul(...rows("d", "a", "b", "c"))).out).toEqual([
      move(1, 3, 0),
    ]);
    expect(run(ul(...rows("a", "b", "c", "d")), ul(...rows("b", "c", "d", "a"))).out).toEqual([
      move(1, 0, 3),
    ]);
  });

  it("moves, inserts and removes in one pass with positions after each patch", () => {
    const next = ul(...rows("c", "x", "a", "d"));
    const { out, host } = run(ul(...rows("a", "b", "c", "d")), next);
    // b removed; c stays (the LIS), x is inserted after it, a moves after x; d is the suffix.
    expect(out).toEqual([remove(1, 1), insert(1, 2, next.children[1]!), move(1, 0, 2)]);
    expect(host.unmountedHids).toEqual([3]);
    expect(host.mountedHids).toEqual([6]);
  });

  it("keeps keyed nodes' hids and carries over text changes after a move", () => {
    const prev = ul(kel("a", "li", [txt("A")]), kel("b", "li", [txt("B")]));
    const next = ul(kel("b", "li", [txt("B2")]), kel("a", "li", [txt("A")]));
    const { out } = run(prev, next);
    expect(out).toEqual([setText(3, 0, "B2"), move(1, 0, 1)]);
    expect(hidsOf(next)).toEqual([1, 3, 2]);
  });
});

describe("diff: keyed insert and remove", () => {
  const base = () => ul(...rows("a", "b", "c"));

  it.each([
    ["start", ["x", "a", "b", "c"], 0],
    ["middle", ["a", "x", "b", "c"], 1],
    ["end", ["a", "b", "c", "x"], 3],
  ])("inserts at the %s", (_, keys, index) => {
    const next = ul(...rows(...keys));
    const { out, host } = run(base(), next);
    expect(out).toEqual([insert(1, index, next.children[index]!)]);
    expect(host.mountedHids).toEqual([5]);
    expect(host.unmountedHids).toEqual([]);
    expect(host.updatedHids).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ["start", ["b", "c"], 0, 2],
    ["middle", ["a", "c"], 1, 3],
    ["end", ["a", "b"], 2, 4],
  ])("removes at the %s", (_, keys, index, hid) => {
    const { out, host } = run(base(), ul(...rows(...keys)));
    expect(out).toEqual([remove(1, index)]);
    expect(host.unmountedHids).toEqual([hid]);
    expect(host.mountedHids).toEqual([]);
  });

  it("replaces a keyed row whose tag changed, in place", () => {
    const next = ul(kel("a", "li", [txt("a")]), kel("b", "p", [txt("b")]));
    const { out, host } = run(ul(...rows("a", "b")), next);
    expect(out).toEqual([{ op: PatchOp.Replace, parent: 1, index: 1, node: next.children[1] }]);
    expect(host.unmountedHids).toEqual([3]);
    expect(host.mountedHids).toEqual([4]);
  });
});

describe("diff: unkeyed children match by position among same-tag siblings", () => {
  it("inserting at the start rewrites texts and appends one node", () => {
    const next = ul(li("x"), li("a"), li("b"));
    const { out } = run(ul(li("a"), li("b")), next);
    expect(out).toEqual([setText(2, 0, "x"), setText(3, 0, "a"), insert(1, 2, next.children[2]!)]);
  });

  it("inserting in the middle rewrites the rest", () => {
    const next = ul(li("a"), li("x"), li("b"));
    const { out } = run(ul(li("a"), li("b")), next);
    expect(out).toEqual([setText(3, 0, "x"), insert(1, 2, next.children[2]!)]);
  });

  it("removing at the start / middle / end drops the last node", () => {
    expect(run(ul(li("a"), li("b"), li("c")), ul(li("b"), li("c"))).out).toEqual([
      setText(2, 0, "b"),
      setText(3, 0, "c"),
      remove(1, 2),
    ]);
    expect(run(ul(li("a"), li("b"), li("c")), ul(li("a"), li("c"))).out).toEqual([
      setText(3, 0, "c"),
      remove(1, 2),
    ]);
    expect(run(ul(li("a"), li("b"), li("c")), ul(li("a"), li("b"))).out).toEqual([remove(1, 2)]);
  });

  it("grows and shrinks lists", () => {
    const grown = ul(li("a"), li("b"), li("c"));
    const g = run(ul(li("a")), grown);
    expect(g.out).toEqual([insert(1, 1, grown.children[1]!), insert(1, 2, grown.children[2]!)]);
    expect(g.host.mountedHids).toEqual([3, 4]);
    const s = run(ul(li("a"), li("b"), li("c")), ul(li("a")));
    expect(s.out).toEqual([remove(1, 2), remove(1, 1)]);
    expect(s.host.unmountedHids).toEqual([4, 3]);
  });

  it("skips a conditional sibling of another tag without touching the others", () => {
    const prev = el("div", {}, [el("h1", {}, [txt("T")]), el("p", {}, [txt("a")])]);
    const next = el("div", {}, [el("p", {}, [txt("a")])]);
    const { out, host } = run(prev, next);
    expect(out).toEqual([remove(1, 0)]);
    expect(hidsOf(next)).toEqual([1, 3]);
    expect(host.unmountedHids).toEqual([2]);
  });

  it("replaces an element whose tag changed at the same place", () => {
    const next = el("div", {}, [el("span", {}, [txt("a")]), txt("z")]);
    const { out, host } = run(el("div", {}, [el("p", {}, [txt("a")]), txt("z")]), next);
    expect(out).toEqual([{ op: PatchOp.Replace, parent: 1, index: 0, node: next.children[0] }]);
    expect(host.unmountedHids).toEqual([2]);
    expect(host.mountedHids).toEqual([3]);
  });
});

describe("diff: mixed and raw children", () => {
  it("matches texts among texts around elements", () => {
    const next = el("p", {}, [txt("Hi "), el("b", {}, [txt("you")]), txt("!!")]);
    const { out } = run(el("p", {}, [txt("Hi "), el("b", {}, [txt("me")]), txt("!")]), next);
    expect(out).toEqual([setText(2, 0, "you"), setText(1, 2, "!!")]);
  });

  it("inserts a text before an element and replaces an element by a text", () => {
    const a = el("p", {}, [txt("n: "), el("b", {}, [txt("1")])]);
    const r1 = run(el("p", {}, [el("b", {}, [txt("1")])]), a);
    expect(r1.out).toEqual([insert(1, 0, a.children[0]!)]);
    const r2 = run(el("p", {}, [el("b", {}, [txt("1")])]), el("p", {}, [txt("1")]));
    expect(r2.out).toEqual([{ op: PatchOp.Replace, parent: 1, index: 0, node: txt("1") }]);
  });

  it("changes raw html with SetHtml on the parent", () => {
    const { out } = run(el("div", {}, [rawNode("<b>1</b>")]), el("div", {}, [rawNode("<i>2</i>")]));
    expect(out).toEqual([{ op: PatchOp.SetHtml, hid: 1, html: "<i>2</i>" }]);
    const same = run(el("div", {}, [rawNode("<b>1</b>")]), el("div", {}, [rawNode("<b>1</b>")]));
    expect(same.out).toEqual([]);
  });

  it("switches between raw html and children", () => {
    const toRaw = run(el("div", {}, [el("p"), txt("x")]), el("div", {}, [rawNode("<hr>")]));
    expect(toRaw.out).toEqual([{ op: PatchOp.SetHtml, hid: 1, html: "<hr>" }]);
    expect(toRaw.host.unmountedHids).toEqual([2]);
    const next = el("div", {}, [el("p"), txt("x")]);
    const fromRaw = run(el("div", {}, [rawNode("<hr>")]), next);
    expect(fromRaw.out).toEqual([
      { op: PatchOp.SetHtml, hid: 1, html: "" },
      insert(1, 0, next.children[0]!),
      insert(1, 1, next.children[1]!),
    ]);
    expect(fromRaw.host.mountedHids).toEqual([2]);
  });
});

describe("diff: identity, hids and host callbacks", () => {
  it("skips identical roots and subtrees by reference", () => {
    const shared = el("section", {}, [el("p", {}, [txt("deep")])]);
    const prev = el("div", {}, [shared, el("p", {}, [txt("a")])]);
    const host = recordingHost();
    assignHids(prev, host);
    host.reset();
    const out: Patch[] = [];
    diff(prev, prev, host, out);
    expect(out).toEqual([]);
    expect(host.updatedHids).toEqual([]);
    const next = el("div", {}, [shared, el("p", {}, [txt("b")])]);
    diff(prev, next, host, out);
    expect(out).toEqual([setText(4, 0, "b")]);
    // The shared section (2) and its child (3) are not visited.
    expect(host.updatedHids).toEqual([1, 4]);
  });

  it("assigns fresh hids in document pre-order across nested inserts", () => {
    const prev = el("div", {}, [el("p", {}, [el("i")])]);
    const next = el("div", {}, [
      el("header", {}, [el("h1")]),
      el("p", {}, [el("b"), el("i"), el("u", {}, [el("s")])]),
      el("footer"),
    ]);
    const { host } = run(prev, next);
    // div 1, p 2, i 3 exist; new: header 4, h1 5, b 6, u 7, s 8, footer 9.
    expect(hidsOf(next)).toEqual([1, 4, 5, 2, 6, 3, 7, 8, 9]);
    expect(host.mountedHids).toEqual([4, 5, 6, 7, 8, 9]);
    expect(host.updatedHids).toEqual([1, 2, 3]);
    expect(host.unmountedHids).toEqual([]);
  });

  it("reports every element of removed and replaced subtrees", () => {
    const prev = el("div", {}, [
      el("ul", {}, [li("a"), li("b")]),
      kel("k", "section", [el("p"), el("p")]),
    ]);
    const next = el("div", {}, [kel("k", "article", [el("p")])]);
    const { host } = run(prev, next);
    expect(host.unmountedHids).toEqual([2, 3, 4, 5, 6, 7]);
    expect(host.mountedHids).toEqual([8, 9]);
    expect(host.updatedHids).toEqual([1]);
  });

  it("copies a node that still carries another element's hid instead of stealing it", () => {
    const reused = el("p", {}, [txt("b")]);
    const prev = el("div", {}, [el("p", {}, [txt("a")]), reused]);
    const host = recordingHost();
    assignHids(prev, host);
    host.reset();
    const snapshot = structuredClone(prev);
    const next = el("div", {}, [reused]);
    const out: Patch[] = [];
    diff(prev, next, host, out);
    expect(prev).toEqual(snapshot);
    expect(next.children[0]).not.toBe(reused);
    expect(hidsOf(next)).toEqual([1, 2]);
    expect(out).toEqual([setText(2, 0, "b"), remove(1, 1)]);
    expect(host.unmountedHids).toEqual([3]);
  });
});
