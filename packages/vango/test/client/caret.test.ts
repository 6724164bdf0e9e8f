// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setValue } from "../../src/client/caret.ts";
import { applyPatches } from "../../src/client/patch-apply.ts";
import { NodeKind, PatchOp } from "../../src/protocol/patch.ts";
import { type DomLog, logDom } from "./dom-log.ts";
import { byHid, makeCtx, mountRoot } from "./fixtures.ts";

let dom: DomLog;
let input: HTMLInputElement;

beforeEach(() => {
  mountRoot(
    '<div data-hid="2"><span data-hid="3">s</span><input data-hid="4" value="hello world"></div>',
  );
  input = byHid(4) as HTMLInputElement;
  input.focus();
  input.setSelectionRange(3, 5);
  dom = logDom();
});
afterEach(() => dom.restore());

describe("setValue", () => {
  it("keeps the caret of the focused control, clamped to the new length", () => {
    setValue(input, "hello there");
    expect(dom.take()).toEqual([
      '<input#4>.value = "hello there"',
      "<input#4>.setSelectionRange(3, 5)",
    ]);
    setValue(input, "he");
    expect(dom.take()).toEqual(['<input#4>.value = "he"', "<input#4>.setSelectionRange(2, 2)"]);
    expect([input.selectionStart, input.selectionEnd]).toEqual([2, 2]);
    expect(document.activeElement).toBe(input);
  });

  it("writes nothing when the value equals what the user typed", () => {
    setValue(input, "hello world");
    expect(dom.take()).toEqual([]);
    expect([input.selectionStart, input.selectionEnd]).toEqual([3, 5]);
  });

  it("does not touch the selection of an unfocused control", () => {
    input.blur();
    dom.take();
    setValue(input, "x");
    expect(dom.take()).toEqual(['<input#4>.value = "x"']);
  });
});

describe("focus across patches", () => {
  it("inserting and moving siblings keeps focus without any focus call", () => {
    const ctx = makeCtx();
    applyPatches(ctx, [
      {
        op: PatchOp.Insert,
        parent: 2,
        index: 0,
        node: { kind: NodeKind.Element, tag: "b", hid: 9, attrs: {}, children: [] },
      },
      { op: PatchOp.Move, parent: 2, from: 1, to: 0 },
    ]);
    expect(dom.take()).toEqual([
      '<b>.setAttribute("data-hid", "9")',
      "<div#2>.insertBefore(<b#9>, <span#3>)",
      "<div#2>.insertBefore(<span#3>, <b#9>)",
    ]);
    expect(document.activeElement).toBe(input);
  });

  it("moving the focused input itself re-focuses it and restores the caret", () => {
    const ctx = makeCtx();
    applyPatches(ctx, [{ op: PatchOp.Move, parent: 2, from: 1, to: 0 }]);
    expect(dom.take()).toEqual([
      "<div#2>.insertBefore(<input#4>, <span#3>)",
      '<input#4>.focus({"preventScroll":true})',
      "<input#4>.setSelectionRange(3, 5)",
    ]);
    expect(document.activeElement).toBe(input);
    expect([input.selectionStart, input.selectionEnd]).toEqual([3, 5]);
  });

  it("a Blur patch is not undone", () => {
    applyPatches(makeCtx(), [{ op: PatchOp.Blur, hid: 4 }]);
    expect(document.activeElement).toBe(document.body);
  });

  it("a stale value patch (made before the server saw the latest input) is skipped", () => {
    const ctx = makeCtx();
    ctx.typed = input;
    ctx.typedCseq = 7;
    ctx.processed = 6;
    applyPatches(ctx, [{ op: PatchOp.SetProp, hid: 4, name: "value", value: "hell" }]);
    expect(dom.take()).toEqual([]);
    ctx.processed = 7;
    applyPatches(ctx, [{ op: PatchOp.SetProp, hid: 4, name: "value", value: "HELLO WORLD" }]);
    expect(dom.take()).toEqual([
      '<input#4>.value = "HELLO WORLD"',
      "<input#4>.setSelectionRange(3, 5)",
    ]);
  });
});
