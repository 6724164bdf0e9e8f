/**
 * Re-renders that keep what did not change: host elements, attribute and handler records,
 * child lists; and the dirty queue of a root across flushes.
 */
import { describe, expect, test } from "vitest";
import { type Patch, PatchOp } from "../../src/protocol/patch.ts";
import { signal } from "../../src/reactive/index.ts";
import { type LiveRoot, mountLive } from "../../src/render/live-root.ts";
import { on } from "../../src/vdom/event-binding.ts";
import { mount } from "./live-root-harness.ts";

describe("re-render reuse", () => {
  test("an unchanged output keeps every host object and patches nothing", () => {
    const tick = signal(0);
    const label = signal("x");
    function C() {
      return () => (
        <div class="c">
          <p title={label()}>{label()}</p>
          <span>{tick() >= 0 ? "s" : "n"}</span>
        </div>
      );
    }
    const h = mount(<C />);
    // div 2, p 3, span 4
    const div = h.view.element(2)!;
    const p = h.view.element(3)!;
    tick.set(1);
    expect(h.flush()).toEqual([]);
    expect(h.view.element(2)).toBe(div);
    expect(h.view.element(3)).toBe(p);
    label.set("y");
    expect(h.flush()).toEqual([
      { op: PatchOp.SetAttr, hid: 3, name: "title", value: "y" },
      { op: PatchOp.SetText, parent: 3, index: 0, text: "y" },
    ]);
    expect(h.view.element(2)).not.toBe(div);
    expect(h.view.element(2)!.attrs).toBe(div.attrs);
    expect(h.view.element(3)!.attrs).not.toBe(p.attrs);
  });

  test("a parent re-render with clean child components keeps their list element", () => {
    const title = signal("a");
    function Item(props: { n: number }) {
      return () => <li>{props.n}</li>;
    }
    function List() {
      return () => (
        <section title={title()}>
          <ul>
            {[1, 2, 3].map((n) => (
              <Item key={n} n={n} />
            ))}
            tail
          </ul>
        </section>
      );
    }
    const h = mount(<List />);
    // section 2, ul 3
    const ul = h.view.element(3)!;
    title.set("b");
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 2, name: "title", value: "b" }]);
    expect(h.view.element(3)).toBe(ul);
    expect(h.view.element(2)!.children[0]).toBe(ul);
  });

  test("a new handler closure: the same host and binding, the new function bound", () => {
    function C() {
      const count = signal(0);
      return () => (
        <button type="button" onClick={() => count.set(count() + 1)}>
          {count() > 1 ? "many" : "few"}
        </button>
      );
    }
    const h = mount(<C />);
    const before = h.view.element(2)!;
    const first = h.view.handler(2, "click")!;
    const firstFn = first.handler;
    firstFn({});
    expect(h.flush()).toEqual([]);
    expect(h.view.element(2)).toBe(before);
    const second = h.view.handler(2, "click")!;
    expect(second).toBe(first);
    expect(second.handler).not.toBe(firstFn);
    expect(second).toMatchObject({ prevent: false, stop: false, debounce: 0, throttle: 0 });
    second.handler({});
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "many" }]);
    // The first closure read the same signal, so it counts on from the current value.
    firstFn({});
    expect(h.flush()).toEqual([]);
    expect(h.view.element(2)!.children).toMatchObject([{ text: "many" }]);
  });

  test("a binding kept across renders keeps the handler record", () => {
    const tick = signal(0);
    const save = on(() => {}, { prevent: true });
    function C() {
      return () => <form onSubmit={save}>{tick()}</form>;
    }
    const h = mount(<C />);
    const before = h.view.element(2)!;
    tick.set(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "1" }]);
    const after = h.view.element(2)!;
    expect(after.handlers).toBe(before.handlers);
    expect(after.attrs).toBe(before.attrs);
  });

  test("a handler switching to a binding with modifiers rewrites data-on", () => {
    const prevent = signal(false);
    const fn = () => {};
    function C() {
      return () => (
        <button type="button" onClick={prevent() ? on(fn, { prevent: true }) : fn}>
          x
        </button>
      );
    }
    const h = mount(<C />);
    prevent.set(true);
    const out = h.flush();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ op: PatchOp.SetAttr, hid: 2, name: "data-on" });
    expect(h.view.handler(2, "click")).toMatchObject({ handler: fn, prevent: true });
  });

  test("objects are compared by what they normalise to, never by reference", () => {
    const tick = signal(0);
    const shared = { color: "red" };
    function C() {
      return () => (
        <div>
          <p style={{ color: "blue" }} class={["a", { b: true }]}>
            {tick()}
          </p>
          <i style={shared} />
        </div>
      );
    }
    const h = mount(<C />);
    // div 2, p 3, i 4
    const p = h.view.element(3)!;
    tick.set(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    expect(h.view.element(3)!.attrs).toBe(p.attrs);
    shared.color = "green";
    tick.set(2);
    expect(h.flush()).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "2" },
      { op: PatchOp.SetAttr, hid: 4, name: "style", value: "color:green;" },
    ]);
  });

  test("props in another order, or a prop added or removed, are normalised again", () => {
    const step = signal(0);
    function C() {
      return () => {
        const s = step();
        if (s === 0) return <p id="a" title="t" />;
        if (s === 1) return <p title="t" id="a" />;
        if (s === 2) return <p title="t" id="a" hidden />;
        return <p title="t" />;
      };
    }
    const h = mount(<C />);
    step.set(1);
    expect(h.flush()).toEqual([]);
    step.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 2, name: "hidden", value: "" }]);
    step.set(3);
    expect(h.flush()).toEqual([
      { op: PatchOp.RemoveAttr, hid: 2, name: "id" },
      { op: PatchOp.RemoveAttr, hid: 2, name: "hidden" },
    ]);
  });
});

describe("dirty queue", () => {
  test("an instance dirtied by another's render is left for the next flush", () => {
    const a = signal(0);
    const b = signal(0);
    function B() {
      return () => <i>{b()}</i>;
    }
    function A() {
      return () => {
        const v = a();
        if (v > 0) b.set(v * 10);
        return <b>{v}</b>;
      };
    }
    const h = mount(
      <div>
        <A />
        <B />
      </div>,
    );
    // div 2, b 3, i 4
    a.set(1);
    expect(h.notified).toBe(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    expect(h.notified).toBe(2);
    expect(h.view.dirty).toBe(true);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 4, index: 0, text: "10" }]);
    expect(h.view.dirty).toBe(false);
    expect(h.flush()).toEqual([]);
  });

  test("an instance dirtied, then unmounted before the flush, is not rendered", () => {
    const show = signal(true);
    const n = signal(0);
    let renders = 0;
    function Child() {
      return () => {
        renders++;
        return <i>{n()}</i>;
      };
    }
    function App() {
      return () => <div>{show() ? <Child /> : null}</div>;
    }
    const h = mount(<App />);
    n.set(1);
    show.set(false);
    expect(h.flush()).toEqual([{ op: PatchOp.Remove, parent: 2, index: 0 }]);
    expect(renders).toBe(1);
    expect(h.view.dirty).toBe(false);
    n.set(2);
    expect(h.view.dirty).toBe(false);
    expect(renders).toBe(1);
  });

  test("instances render shallowest first, each once, whatever order they went dirty in", () => {
    const a = signal(0);
    const b = signal(0);
    const c = signal(0);
    const log: string[] = [];
    function Leaf(props: { name: string; s: typeof a }) {
      return () => {
        log.push(props.name);
        return <i>{props.s()}</i>;
      };
    }
    function Mid() {
      return () => {
        log.push("mid");
        return (
          <p>
            {b()}
            <Leaf name="leaf" s={c} />
          </p>
        );
      };
    }
    function App() {
      return () => {
        log.push("app");
        return (
          <div>
            {a() > 5 ? "" : "x"}
            <Mid />
          </div>
        );
      };
    }
    const h = mount(<App />);
    log.length = 0;
    c.set(1);
    b.set(1);
    a.set(1);
    h.flush();
    expect(log).toEqual(["app", "mid", "leaf"]);
    log.length = 0;
    c.set(2);
    b.set(2);
    h.flush();
    expect(log).toEqual(["mid", "leaf"]);
  });

  test("a root flushed from inside another root's flush has lists of its own", () => {
    const a = signal(0);
    const b = signal(0);
    const outB: Patch[] = [];
    function B() {
      return () => (
        <ul>
          <li>{b()}</li>
          <li>x</li>
        </ul>
      );
    }
    const viewB: LiveRoot = mountLive(<B />, { onDirty: () => viewB.flush(outB) });
    function A() {
      return () => {
        const v = a();
        if (v > 0) b.set(v);
        return (
          <p>
            <b>{v}</b>
          </p>
        );
      };
    }
    const h = mount(<A />);
    a.set(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    expect(outB).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    a.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "2" }]);
    expect(outB).toHaveLength(2);
    expect(viewB.dirty).toBe(false);
  });

  test("a flush called while the same root flushes does nothing; onDirty follows", () => {
    const a = signal(0);
    const b = signal(0);
    let view!: LiveRoot;
    let nested = -1;
    let dirtied = 0;
    function B() {
      return () => <i>{b()}</i>;
    }
    function A() {
      return () => {
        const v = a();
        if (v > 0) {
          b.set(v);
          nested = view.flush([]);
        }
        return <p>{v}</p>;
      };
    }
    view = mountLive(
      <div>
        <A />
        <B />
      </div>,
      { onDirty: () => dirtied++ },
    );
    // div 2, p 3, i 4
    a.set(1);
    expect(dirtied).toBe(1);
    const out: Patch[] = [];
    view.flush(out);
    expect(nested).toBe(0);
    expect(out).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    expect(dirtied).toBe(2);
    out.length = 0;
    view.flush(out);
    expect(out).toEqual([{ op: PatchOp.SetText, parent: 4, index: 0, text: "1" }]);
  });
});
