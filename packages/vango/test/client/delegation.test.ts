// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDelegation, type Delegation } from "../../src/client/delegation.ts";
import { serialize } from "../../src/client/payload.ts";
import { EventType, Mod, PointerKind, PointerType } from "../../src/protocol/constants.ts";
import type { ClientEvent } from "../../src/protocol/events.ts";
import { byHid, makeCtx, mountRoot } from "./fixtures.ts";

let sent: [number, ClientEvent][];
let deleg: Delegation;
let ctx: ReturnType<typeof makeCtx>;

function setup(html: string): void {
  mountRoot(html);
  ctx = makeCtx();
  sent = [];
  deleg = createDelegation(ctx, serialize, (hid, ev) => {
    sent.push([hid, ev]);
  });
  deleg.scan(document.documentElement);
}

function click(el: Element, init: MouseEventInit = {}): MouseEvent {
  const e = new MouseEvent("click", { bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  return e;
}

function type(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

afterEach(() => {
  deleg.dispose();
  vi.useRealTimers();
});

describe("delegation: targets and modifiers", () => {
  beforeEach(() =>
    setup(
      '<div data-hid="2" data-on="click"><button data-hid="3" data-on="click.p"><span data-hid="4">go</span></button>' +
        '<a data-hid="5" data-on="click.s.p" href="/x">stop</a><i data-hid="6">plain</i></div>',
    ),
  );

  it("sends the click with rounded coordinates, button and modifier bits", () => {
    click(byHid(4), { clientX: 10.4, clientY: 20.6, button: 1, shiftKey: true, metaKey: true });
    const ev = { type: EventType.Click, x: 10, y: 21, button: 1, mods: Mod.Shift | Mod.Meta };
    expect(sent).toEqual([
      [3, ev],
      [2, ev],
    ]);
  });

  it("prevent calls preventDefault only for listeners that declare it", () => {
    expect(click(byHid(4)).defaultPrevented).toBe(true);
    expect(click(byHid(6)).defaultPrevented).toBe(false);
    expect(sent.map((s) => s[0])).toEqual([3, 2, 2]);
  });

  it("stop keeps outer Vango listeners and later document listeners from the event", () => {
    const outer = vi.fn();
    window.addEventListener("click", outer);
    const e = click(byHid(5));
    window.removeEventListener("click", outer);
    expect(sent.map((s) => s[0])).toEqual([5]);
    expect(e.defaultPrevented).toBe(true);
    expect(outer).not.toHaveBeenCalled();
  });

  it("sends nothing while patches are being applied", () => {
    ctx.muted = true;
    click(byHid(4));
    expect(sent).toEqual([]);
  });

  it("listens lazily: one document listener per event type in use", () => {
    const add = vi.spyOn(document, "addEventListener");
    deleg.listen("click,keydown.kEnter");
    deleg.listen("keydown,focus,blur,scroll");
    expect(add.mock.calls.map((c) => [c[0], c[2]])).toEqual([
      ["keydown", false],
      ["focusin", false],
      ["focusout", false],
      ["scroll", true],
    ]);
    add.mockRestore();
  });
});

describe("delegation: payloads", () => {
  it("key filter and key payload", () => {
    setup('<input data-hid="2" data-on="keydown.kEnter|Escape.p,keyup">');
    const input = byHid(2);
    const a = new KeyboardEvent("keydown", {
      key: "a",
      code: "KeyA",
      bubbles: true,
      cancelable: true,
    });
    input.dispatchEvent(a);
    const enter = new KeyboardEvent("keydown", {
      key: "Enter",
      code: "Enter",
      ctrlKey: true,
      repeat: true,
      bubbles: true,
      cancelable: true,
    });
    input.dispatchEvent(enter);
    input.dispatchEvent(new KeyboardEvent("keyup", { key: "a", code: "KeyA", bubbles: true }));
    expect(a.defaultPrevented).toBe(false);
    expect(enter.defaultPrevented).toBe(true);
    expect(sent).toEqual([
      [2, { type: EventType.KeyDown, key: "Enter", code: "Enter", mods: Mod.Ctrl, repeat: true }],
      [2, { type: EventType.KeyUp, key: "a", code: "KeyA", mods: 0, repeat: false }],
    ]);
  });

  it("input and change values: text, checkbox, radio, multiple select", () => {
    setup(
      '<form data-hid="2" data-on="input,change"><input data-hid="3" name="t">' +
        '<input data-hid="4" type="checkbox" value="yes"><input data-hid="5" type="radio" value="r1">' +
        '<select data-hid="6" multiple><option value="a" selected>A</option><option value="b">B</option>' +
        '<option value="c" selected>C</option></select></form>',
    );
    type(byHid(3) as HTMLInputElement, "hi");
    const box = byHid(4) as HTMLInputElement;
    box.checked = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    box.checked = false;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    byHid(5).dispatchEvent(new Event("change", { bubbles: true }));
    byHid(6).dispatchEvent(new Event("input", { bubbles: true }));
    expect(sent).toEqual([
      [2, { type: EventType.Input, value: "hi" }],
      [2, { type: EventType.Change, value: "yes", checked: true }],
      [2, { type: EventType.Input, value: "" }],
      [2, { type: EventType.Change, value: "", checked: false }],
      [2, { type: EventType.Input, value: "a\nc" }],
    ]);
  });

  it("submit: every field in order, repeated names kept, files by name only, submitter included, default prevented", () => {
    setup(
      '<form data-hid="2" data-on="submit"><input name="tag" value="a"><input name="q" value="x y">' +
        '<input name="tag" value="b"><input type="file" name="up"><input type="checkbox" name="c">' +
        '<button data-hid="3" name="act" value="save">S</button></form>',
    );
    const form = byHid(2) as HTMLFormElement;
    const e = new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter: byHid(3) });
    form.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true);
    expect(sent).toEqual([
      [
        2,
        {
          type: EventType.Submit,
          fields: [
            ["tag", "a"],
            ["q", "x y"],
            ["tag", "b"],
            ["up", ""],
            ["act", "save"],
          ],
        },
      ],
    ]);
  });

  it("focus and blur are delegated through focusin/focusout", () => {
    setup('<div data-hid="2" data-on="focus,blur"><input data-hid="3"></div>');
    const input = byHid(3);
    input.focus();
    input.blur();
    expect(sent).toEqual([
      [2, { type: EventType.Focus }],
      [2, { type: EventType.Blur }],
    ]);
  });

  it("scroll: only the scrolled element itself, positions rounded", () => {
    setup('<div data-hid="2" data-on="scroll"><div data-hid="3" data-on="scroll"></div></div>');
    const inner = byHid(3);
    Object.defineProperty(inner, "scrollTop", { value: 40.7 });
    Object.defineProperty(inner, "scrollLeft", { value: 0 });
    inner.dispatchEvent(new Event("scroll"));
    expect(sent).toEqual([[3, { type: EventType.Scroll, top: 41, left: 0 }]]);
  });

  it("pointer events carry kind, position, button and pointer type", () => {
    setup('<div data-hid="2" data-on="pointerdown,pointerup"></div>');
    const init = { clientX: 5, clientY: 6, button: 0, pointerType: "touch", bubbles: true };
    byHid(2).dispatchEvent(new PointerEvent("pointerdown", init));
    byHid(2).dispatchEvent(
      new PointerEvent("pointerup", { ...init, pointerType: "pen", button: 2 }),
    );
    expect(sent).toEqual([
      [
        2,
        {
          type: EventType.Pointer,
          kind: PointerKind.Down,
          x: 5,
          y: 6,
          button: 0,
          pointerType: PointerType.Touch,
        },
      ],
      [
        2,
        {
          type: EventType.Pointer,
          kind: PointerKind.Up,
          x: 5,
          y: 6,
          button: 2,
          pointerType: PointerType.Pen,
        },
      ],
    ]);
  });

  it("other event names travel as Custom with a JSON copy of detail", () => {
    setup('<div data-hid="2" data-on="chart-pick"></div>');
    byHid(2).dispatchEvent(
      new CustomEvent("chart-pick", { detail: { i: 3, at: undefined }, bubbles: true }),
    );
    byHid(2).dispatchEvent(new CustomEvent("chart-pick", { bubbles: true }));
    expect(sent).toEqual([
      [2, { type: EventType.Custom, name: "chart-pick", payload: { i: 3 } }],
      [2, { type: EventType.Custom, name: "chart-pick", payload: null }],
    ]);
  });
});

describe("delegation: debounce and throttle", () => {
  it("debounce sends the last value once the input is quiet", () => {
    vi.useFakeTimers();
    setup('<input data-hid="2" data-on="input.d300">');
    const input = byHid(2) as HTMLInputElement;
    type(input, "a");
    vi.advanceTimersByTime(200);
    type(input, "ab");
    vi.advanceTimersByTime(299);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[2, { type: EventType.Input, value: "ab" }]]);
  });

  it("throttle sends the first at once and the last when the window closes", () => {
    vi.useFakeTimers();
    setup('<input data-hid="2" data-on="input.t100">');
    const input = byHid(2) as HTMLInputElement;
    type(input, "a");
    type(input, "ab");
    type(input, "abc");
    expect(sent).toEqual([[2, { type: EventType.Input, value: "a" }]]);
    vi.advanceTimersByTime(100);
    expect(sent.at(-1)).toEqual([2, { type: EventType.Input, value: "abc" }]);
    vi.advanceTimersByTime(100);
    type(input, "abcd");
    expect(sent.map((s) => (s[1] as { value: string }).value)).toEqual(["a", "abc", "abcd"]);
  });

  it("a waiting debounced event is sent before a later immediate one (order kept)", () => {
    vi.useFakeTimers();
    setup(
      '<input data-hid="2" data-on="input.d500"><button data-hid="3" data-on="click">b</button>',
    );
    type(byHid(2) as HTMLInputElement, "x");
    click(byHid(3));
    expect(sent.map((s) => s[0])).toEqual([2, 3]);
    vi.advanceTimersByTime(1000);
    expect(sent.length).toBe(2);
  });

  it("scroll is throttled by default", () => {
    vi.useFakeTimers();
    setup('<div data-hid="2" data-on="scroll"></div>');
    for (let i = 0; i < 5; i++) byHid(2).dispatchEvent(new Event("scroll"));
    expect(sent.length).toBe(1);
    vi.advanceTimersByTime(100);
    expect(sent.length).toBe(2);
  });
});
