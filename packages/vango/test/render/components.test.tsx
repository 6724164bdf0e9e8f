import { describe, expect, test } from "vitest";
import { PatchOp } from "../../src/protocol/patch.ts";
import { batch, effect, onCleanup, signal } from "../../src/reactive/index.ts";
import { mount } from "./live-root-harness.ts";

describe("stateful components", () => {
  test("a counter click patches only the text", () => {
    function Counter(props: { start?: number }) {
      const count = signal(props.start ?? 0);
      return () => (
        <div>
          <h1>Count: {count()}</h1>
          <button type="button" onClick={() => count.set(count() + 1)}>
            +
          </button>
        </div>
      );
    }
    const h = mount(<Counter start={3} />);
    // root 1, div 2, h1 3, button 4
    expect(h.tree().children).toEqual([
      {
        tag: "div",
        hid: 2,
        attrs: {},
        children: [
          { tag: "h1", hid: 3, attrs: {}, children: [{ text: "Count: 3" }] },
          {
            tag: "button",
            hid: 4,
            attrs: { type: "button", "data-on": "click" },
            children: [{ text: "+" }],
          },
        ],
      },
    ]);
    expect(h.view.dirty).toBe(false);
    h.view.handler(4, "click")!.handler({});
    expect(h.view.dirty).toBe(true);
    expect(h.notified).toBe(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 4" }]);
    expect(h.view.dirty).toBe(false);
    // The handler bound by the new render is the one dispatched next.
    h.view.handler(4, "click")!.handler({});
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 5" }]);
    expect(h.flush()).toEqual([]);
  });

  test("an attribute change is one SetAttr", () => {
    const cls = signal("a");
    function Box() {
      return () => <p class={cls()} title="t" />;
    }
    const h = mount(<Box />);
    cls.set("b");
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 2, name: "class", value: "b" }]);
    cls.set("");
    expect(h.flush()).toEqual([{ op: PatchOp.RemoveAttr, hid: 2, name: "class" }]);
  });

  test("a conditional child component is inserted, then removed and disposed", () => {
    const show = signal(false);
    const log: string[] = [];
    function Child() {
      const n = signal(1);
      effect(() => {
        log.push(`effect ${n()}`);
      });
      onCleanup(() => log.push("cleanup"));
      return () => <em>child {n()}</em>;
    }
    function Parent() {
      return () => (
        <section>
          <b>head</b>
          {show() && <Child />}
          <i>tail</i>
        </section>
      );
    }
    const h = mount(<Parent />);
    // section 2, b 3, i 4
    show.set(true);
    expect(h.flush()).toEqual([
      {
        op: PatchOp.Insert,
        parent: 2,
        index: 1,
        node: {
          kind: 1,
          tag: "em",
          hid: 5,
          attrs: {},
          children: [{ kind: 2, text: "child 1" }],
          key: expect.any(Number),
          handlers: null,
        },
      },
    ]);
    expect(log).toEqual(["effect 1"]);
    show.set(false);
    expect(h.flush()).toEqual([{ op: PatchOp.Remove, parent: 2, index: 1 }]);
    expect(log).toEqual(["effect 1", "cleanup"]);
    expect(h.view.element(5)).toBeUndefined();
    show.set(true);
    expect(h.flush()).toEqual([
      expect.objectContaining({ op: PatchOp.Insert, parent: 2, index: 1 }),
    ]);
    expect(log).toEqual(["effect 1", "cleanup", "effect 1"]);
    expect(h.view.element(6)?.tag).toBe("em");
  });

  test("a batch of writes gives one flush with one patch set", () => {
    const a = signal("x");
    const b = signal(1);
    let renders = 0;
    function View() {
      return () => {
        renders++;
        return (
          <p data-b={b()}>
            {a()}-{b()}
          </p>
        );
      };
    }
    const h = mount(<View />);
    batch(() => {
      a.set("y");
      b.set(2);
      a.set("z");
    });
    expect(h.notified).toBe(1);
    expect(h.flush()).toEqual([
      { op: PatchOp.SetAttr, hid: 2, name: "data-b", value: "2" },
      { op: PatchOp.SetText, parent: 2, index: 0, text: "z-2" },
    ]);
    expect(renders).toBe(2);
  });
});
