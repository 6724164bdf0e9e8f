// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyPatches } from "../../src/client/patch-apply.ts";
import {
  NodeKind,
  type Patch,
  PatchOp,
  ScrollAlign,
  type WireNode,
} from "../../src/protocol/patch.ts";
import { type DomLog, logDom } from "./dom-log.ts";
import { byHid, makeCtx, mountRoot } from "./fixtures.ts";

const LIST =
  '<ul data-hid="2"><li data-hid="3">a</li><li data-hid="4">b</li><li data-hid="5">c</li></ul>' +
  '<p data-hid="6">x<b data-hid="7">y</b></p><input data-hid="8" value="hi">';

let dom: DomLog;
let ctx: ReturnType<typeof makeCtx>;
let root: HTMLElement;

function run(...patches: Patch[]): string[] {
  applyPatches(ctx, patches);
  return dom.take();
}

const li = (hid: number, text: string, attrs: Record<string, string> = {}) => ({
  kind: NodeKind.Element,
  tag: "li",
  hid,
  attrs,
  children: [{ kind: NodeKind.Text, text }],
});

beforeEach(() => {
  root = mountRoot(LIST);
  ctx = makeCtx();
  dom = logDom();
});
afterEach(() => dom.restore());

describe("applyPatches: structural ops", () => {
  it("SetText writes the text node's data", () => {
    expect(run({ op: PatchOp.SetText, parent: 6, index: 0, text: "z" })).toEqual([
      '"x".data = "z"',
    ]);
    expect(byHid(6).outerHTML).toBe('<p data-hid="6">z<b data-hid="7">y</b></p>');
  });

  it("SetAttr / RemoveAttr", () => {
    expect(
      run(
        { op: PatchOp.SetAttr, hid: 2, name: "class", value: "list" },
        { op: PatchOp.RemoveAttr, hid: 2, name: "class" },
      ),
    ).toEqual(['<ul#2>.setAttribute("class", "list")', '<ul#2>.removeAttribute("class")']);
  });

  it("SetAttr of data-on reports the spec so its events get listeners", () => {
    run({ op: PatchOp.SetAttr, hid: 3, name: "data-on", value: "click.p" });
    expect(ctx.listened).toEqual(["click.p"]);
  });

  it("refuses on* attributes and javascript: URLs", () => {
    expect(
      run(
        { op: PatchOp.SetAttr, hid: 3, name: "onclick", value: "alert(1)" },
        { op: PatchOp.SetAttr, hid: 3, name: "OnMouseOver", value: "x" },
        { op: PatchOp.SetAttr, hid: 3, name: "href", value: " java\tscript:alert(1)" },
        { op: PatchOp.SetAttr, hid: 3, name: "title", value: "javascript: is fine here" },
      ),
    ).toEqual(['<li#3>.setAttribute("title", "javascript: is fine here")']);
  });

  it("Insert builds the subtree detached, then inserts once before the index", () => {
    expect(
      run({ op: PatchOp.Insert, parent: 2, index: 1, node: li(9, "n", { class: "new" }) }),
    ).toEqual([
      '<li>.setAttribute("class", "new")',
      '<li>.setAttribute("data-hid", "9")',
      '<li#9>.appendChild("n")',
      "<ul#2>.insertBefore(<li#9>, <li#4>)",
    ]);
    expect(byHid(2).textContent).toBe("anbc");
    expect(ctx.hids.get(9)).toBe(byHid(9));
  });

  it("Insert at the end appends (reference null)", () => {
    expect(run({ op: PatchOp.Insert, parent: 2, index: 3, node: li(9, "n") }).at(-1)).toBe(
      "<ul#2>.insertBefore(<li#9>, null)",
    );
  });

  it("Insert skips on* attributes of wire nodes and reports data-on", () => {
    const log = run({
      op: PatchOp.Insert,
      parent: 2,
      index: 0,
      node: li(9, "n", { onclick: "x", "data-on": "click", href: "javascript:x" }),
    });
    expect(log.slice(0, 2)).toEqual([
      '<li>.setAttribute("data-on", "click")',
      '<li>.setAttribute("data-hid", "9")',
    ]);
    expect(ctx.listened).toEqual(["click"]);
  });

  it("Insert of raw markup and of svg elements", () => {
    run({ op: PatchOp.SetHtml, hid: 6, html: "" });
    run({
      op: PatchOp.Insert,
      parent: 6,
      index: 0,
      node: { kind: NodeKind.Raw, html: "<i>r</i>s" },
    });
    expect(byHid(6).innerHTML).toBe("<i>r</i>s");
    const svg: WireNode = {
      kind: NodeKind.Element,
      tag: "svg",
      hid: 20,
      attrs: {},
      children: [
        { kind: NodeKind.Element, tag: "circle", hid: 21, attrs: { r: "1" }, children: [] },
      ],
    } as const;
    run({ op: PatchOp.Insert, parent: 1, index: 0, node: svg });
    expect(byHid(21).namespaceURI).toBe("http://www.w3.org/2000/svg");
  });

  it("Remove drops the child and the hids of its subtree", () => {
    ctx.hids.get(7);
    expect(run({ op: PatchOp.Remove, parent: 1, index: 1 })).toEqual([
      "<div#1>.removeChild(<p#6>)",
    ]);
    expect(ctx.hids.get(7)).toBeNull();
  });

  it("Move forward and backward uses one insertBefore of the same node", () => {
    expect(run({ op: PatchOp.Move, parent: 2, from: 0, to: 2 })).toEqual([
      "<ul#2>.insertBefore(<li#3>, null)",
    ]);
    expect(byHid(2).textContent).toBe("bca");
    expect(run({ op: PatchOp.Move, parent: 2, from: 2, to: 0 })).toEqual([
      "<ul#2>.insertBefore(<li#3>, <li#4>)",
    ]);
    expect(run({ op: PatchOp.Move, parent: 2, from: 0, to: 1 })).toEqual([
      "<ul#2>.insertBefore(<li#3>, <li#5>)",
    ]);
    expect(byHid(2).textContent).toBe("bac");
    expect(run({ op: PatchOp.Move, parent: 2, from: 1, to: 1 })).toEqual([]);
  });

  it("Move prefers moveBefore when the engine has it", () => {
    const ul = byHid(2) as HTMLElement & { moveBefore?: unknown };
    const calls: string[] = [];
    ul.moveBefore = (n: Element, r: Element | null) => {
      calls.push(`${n.textContent}>${r?.textContent}`);
      ul.insertBefore(n, r);
    };
    run({ op: PatchOp.Move, parent: 2, from: 2, to: 0 });
    expect(calls).toEqual(["c>a"]);
  });

  it("Replace swaps the child in one replaceChild", () => {
    expect(run({ op: PatchOp.Replace, parent: 2, index: 1, node: li(9, "r") }).at(-1)).toBe(
      "<ul#2>.replaceChild(<li#9>, <li#4>)",
    );
    expect(ctx.hids.get(4)).toBeNull();
    expect(byHid(2).textContent).toBe("arc");
  });

  it("SetHtml sets innerHTML", () => {
    expect(run({ op: PatchOp.SetHtml, hid: 6, html: "<em>t</em>" })).toEqual([
      '<p#6>.innerHTML = "<em>t</em>"',
    ]);
  });

  it("indices refer to the child list after the previous patches", () => {
    run(
      { op: PatchOp.Remove, parent: 2, index: 0 },
      { op: PatchOp.Insert, parent: 2, index: 2, node: li(9, "d") },
      { op: PatchOp.Move, parent: 2, from: 2, to: 0 },
    );
    expect(byHid(2).textContent).toBe("dbc");
  });

  it("SetText patches a text node addressed inside the second child", () => {
    run({ op: PatchOp.SetText, parent: 4, index: 0, text: "B" });
    expect(byHid(2).textContent).toBe("aBc");
  });

  it("throws when a target is missing (the connection then asks for a resync)", () => {
    expect(() => run({ op: PatchOp.SetAttr, hid: 99, name: "a", value: "b" })).toThrow();
    expect(() => run({ op: PatchOp.SetText, parent: 1, index: 0, text: "x" })).toThrow();
    expect(() => run({ op: PatchOp.Remove, parent: 2, index: 3 })).toThrow();
    expect(() => run({ op: PatchOp.Move, parent: 2, from: 0, to: 3 })).toThrow();
    expect(() => run({ op: PatchOp.Insert, parent: 2, index: 4, node: li(9, "x") })).toThrow();
    expect(ctx.muted).toBe(false);
  });
});

describe("applyPatches: props, classes, style, data", () => {
  it("SetProp sets live properties, not attributes", () => {
    root.insertAdjacentHTML(
      "beforeend",
      '<input type="checkbox" data-hid="10"><select data-hid="11"><option data-hid="12">o</option></select>',
    );
    dom.take();
    expect(
      run(
        { op: PatchOp.SetProp, hid: 8, name: "value", value: "new" },
        { op: PatchOp.SetProp, hid: 10, name: "checked", value: true },
        { op: PatchOp.SetProp, hid: 12, name: "selected", value: true },
      ),
    ).toEqual([
      '<input#8>.value = "new"',
      "<input#10>.checked = true",
      "<option#12>.selected = true",
    ]);
    expect(byHid(8).getAttribute("value")).toBe("hi");
  });

  it("SetProp value equal to the current value writes nothing", () => {
    expect(run({ op: PatchOp.SetProp, hid: 8, name: "value", value: "hi" })).toEqual([]);
  });

  it("class, style and data ops", () => {
    expect(
      run(
        { op: PatchOp.AddClass, hid: 3, name: "on" },
        { op: PatchOp.ToggleClass, hid: 3, name: "x" },
        { op: PatchOp.RemoveClass, hid: 3, name: "on" },
        { op: PatchOp.SetStyle, hid: 3, name: "--gap", value: "2px" },
        { op: PatchOp.RemoveStyle, hid: 3, name: "color" },
        { op: PatchOp.SetData, hid: 3, name: "user-id", value: "7" },
        { op: PatchOp.RemoveData, hid: 3, name: "user-id" },
        { op: PatchOp.SetData, hid: 3, name: "hid", value: "9" },
        { op: PatchOp.SetData, hid: 3, name: "on", value: "click" },
      ),
    ).toEqual([
      'classList.add("on")',
      'classList.toggle("x")',
      'classList.remove("on")',
      'style.setProperty("--gap", "2px")',
      'style.removeProperty("color")',
      '<li#3>.setAttribute("data-user-id", "7")',
      '<li#3>.removeAttribute("data-user-id")',
    ]);
    expect(byHid(3).className).toBe("x");
  });
});

describe("applyPatches: focus, scroll, URL, navigation, dispatch", () => {
  it("Focus and Blur", () => {
    expect(run({ op: PatchOp.Focus, hid: 8 })).toEqual(["<input#8>.focus()"]);
    expect(document.activeElement).toBe(byHid(8));
    expect(run({ op: PatchOp.Blur, hid: 8 })).toEqual(["<input#8>.blur()"]);
    expect(document.activeElement).toBe(document.body);
  });

  it("ScrollIntoView and ScrollTo (hid 0 = window)", () => {
    const el = byHid(3);
    const into = vi.fn();
    el.scrollIntoView = into;
    const to = vi.spyOn(window, "scrollTo").mockImplementation(() => {});
    run(
      { op: PatchOp.ScrollIntoView, hid: 3, align: ScrollAlign.Center, smooth: true },
      { op: PatchOp.ScrollTo, hid: 0, top: 10, left: 2, smooth: false },
    );
    expect(into.mock.calls).toEqual([[{ block: "center", behavior: "smooth" }]]);
    expect(to.mock.calls).toEqual([[{ top: 10, left: 2, behavior: "auto" }]]);
  });

  it("PushUrl / ReplaceUrl change history; a cross-origin URL is ignored", () => {
    const len = history.length;
    run({ op: PatchOp.PushUrl, url: "/a?x=1" });
    expect(location.pathname + location.search).toBe("/a?x=1");
    expect(history.length).toBe(len + 1);
    run({ op: PatchOp.ReplaceUrl, url: "/b" });
    expect(location.pathname).toBe("/b");
    expect(history.length).toBe(len + 1);
    run(
      { op: PatchOp.PushUrl, url: "https://elsewhere.example/x" },
      { op: PatchOp.AddClass, hid: 3, name: "after" },
    );
    expect(byHid(3).className).toBe("after");
  });

  it("Navigate assigns or replaces the location, never to javascript:", () => {
    const loc = { assign: vi.fn(), replace: vi.fn() };
    const fakeDoc = { defaultView: { location: loc }, activeElement: null, body: null };
    const c = { ...makeCtx(), doc: fakeDoc as unknown as Document };
    applyPatches(c, [
      { op: PatchOp.Navigate, url: "/next", replace: false },
      { op: PatchOp.Navigate, url: "/other", replace: true },
      { op: PatchOp.Navigate, url: "JavaScript:alert(1)", replace: false },
    ]);
    expect(loc.assign.mock.calls).toEqual([["/next"]]);
    expect(loc.replace.mock.calls).toEqual([["/other"]]);
  });

  it("Dispatch fires a bubbling CustomEvent on the element or the window", () => {
    const seen: unknown[] = [];
    document.addEventListener("chart:update", (e) => seen.push((e as CustomEvent).detail));
    window.addEventListener("app:toast", (e) => seen.push((e as CustomEvent).detail));
    run(
      { op: PatchOp.Dispatch, hid: 3, name: "chart:update", payload: { n: [1, 2] } },
      { op: PatchOp.Dispatch, hid: 0, name: "app:toast", payload: "hi" },
    );
    expect(seen).toEqual([{ n: [1, 2] }, "hi"]);
  });

  it("mutes delegation while applying", () => {
    let mutedInside: boolean | undefined;
    byHid(3).addEventListener("probe", () => {
      mutedInside = ctx.muted;
    });
    run({ op: PatchOp.Dispatch, hid: 3, name: "probe", payload: null });
    expect(mutedInside).toBe(true);
    expect(ctx.muted).toBe(false);
  });
});
