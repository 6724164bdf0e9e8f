import { describe, expect, test } from "vitest";
import { PatchOp } from "../../src/protocol/patch.ts";
import { onCleanup, signal } from "../../src/reactive/index.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { mount } from "./live-root-harness.ts";

describe("keyed lists of components", () => {
  test("a reorder moves nodes, keeps instances, their state and hids", () => {
    const items = signal([1, 2, 3]);
    let rowRenders = 0;
    let setups = 0;
    function Row(props: { id: number }) {
      setups++;
      const clicks = signal(0);
      return () => {
        rowRenders++;
        return (
          <li>
            {props.id}:{clicks()}
            <button type="button" onClick={() => clicks.set(clicks() + 1)}>
              +
            </button>
          </li>
        );
      };
    }
    function List() {
      return () => (
        <ul>
          {items().map((id) => (
            <Row key={id} id={id} />
          ))}
        </ul>
      );
    }
    const h = mount(<List />);
    // ul 2; li 3 (button 4), li 5 (button 6), li 7 (button 8)
    h.view.handler(6, "click")!.handler({});
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 5, index: 0, text: "2:1" }]);
    rowRenders = 0;
    items.set([3, 2, 1]);
    expect(h.flush()).toEqual([
      { op: PatchOp.Move, parent: 2, from: 1, to: 2 },
      { op: PatchOp.Move, parent: 2, from: 0, to: 2 },
    ]);
    expect(rowRenders).toBe(0);
    expect(setups).toBe(3);
    expect(h.tree().children[0]).toMatchObject({
      hid: 2,
      children: [
        { hid: 7, children: [{ text: "3:0" }, { hid: 8 }] },
        { hid: 5, children: [{ text: "2:1" }, { hid: 6 }] },
        { hid: 3, children: [{ text: "1:0" }, { hid: 4 }] },
      ],
    });
    // State survived: the moved row keeps counting from 1.
    h.view.handler(6, "click")!.handler({});
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 5, index: 0, text: "2:2" }]);
  });

  test("insert and remove in the middle of a keyed list", () => {
    const items = signal(["a", "b", "c"]);
    const disposed: string[] = [];
    function Row(props: { id: string }) {
      const id = props.id;
      onCleanup(() => disposed.push(id));
      return () => <li>{props.id}</li>;
    }
    function List() {
      return () => (
        <ol>
          {items().map((id) => (
            <Row key={id} id={id} />
          ))}
        </ol>
      );
    }
    const h = mount(<List />);
    items.set(["a", "x", "c"]);
    expect(h.flush()).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 1,
        node: expect.objectContaining({ tag: "li", hid: 6, children: [{ kind: 2, text: "x" }] }),
      },
    ]);
    expect(disposed).toEqual(["b"]);
    items.set(["c"]);
    expect(h.flush()).toEqual([
      { op: PatchOp.Remove, parent: 2, index: 1 },
      { op: PatchOp.Remove, parent: 2, index: 0 },
    ]);
    expect(disposed).toEqual(["b", "x", "a"]);
  });
});

describe("component boundaries in the host child list", () => {
  test("a component switching between one and two roots patches its parent's list", () => {
    const many = signal(false);
    function Multi() {
      return () => (
        <>
          <i>1</i>
          {many() && <i>2</i>}
        </>
      );
    }
    const h = mount(
      <div>
        <b />
        <Multi />
        <u />
      </div>,
    );
    // div 2, b 3, i 4, u 5
    many.set(true);
    expect(h.flush()).toEqual([
      {
        op: PatchOp.Insert,
        parent: 2,
        index: 2,
        node: expect.objectContaining({ tag: "i", hid: 6, children: [{ kind: 2, text: "2" }] }),
      },
    ]);
    many.set(false);
    expect(h.flush()).toEqual([{ op: PatchOp.Remove, parent: 2, index: 2 }]);
  });

  test("fragments of sibling components update independently", () => {
    const a = signal("a");
    function Pair(props: { term: string }) {
      return () => (
        <>
          <dt>{props.term}</dt>
          <dd>def</dd>
        </>
      );
    }
    function Dl() {
      return () => (
        <dl>
          <Pair term={a()} />
          <Pair term="b" />
        </dl>
      );
    }
    const h = mount(<Dl />);
    // dl 2, dt 3, dd 4, dt 5, dd 6
    a.set("A");
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "A" }]);
  });

  test("adjacent texts merge across a component boundary and update as one node", () => {
    const name = signal("Ada");
    function Name() {
      return () => name();
    }
    const h = mount(
      <p>
        Hello, <Name />!
      </p>,
    );
    expect(h.tree().children[0]).toEqual({
      tag: "p",
      hid: 2,
      attrs: {},
      children: [{ text: "Hello, Ada!" }],
    });
    name.set("Bob");
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "Hello, Bob!" }]);
    name.set("");
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "Hello, !" }]);
  });

  test("a component output changing from text to an element splits the merged text", () => {
    const br = signal(false);
    function Mid() {
      return () => (br() ? <br /> : "x");
    }
    const h = mount(
      <p>
        a<Mid />b
      </p>,
    );
    br.set(true);
    const patches = h.flush();
    expect(h.tree().children[0]).toEqual({
      tag: "p",
      hid: 2,
      attrs: {},
      children: [{ text: "a" }, { tag: "br", hid: 3, attrs: {}, children: [] }, { text: "b" }],
    });
    expect(patches).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "a" },
      expect.objectContaining({ op: PatchOp.Insert, parent: 2, index: 1 }),
      { op: PatchOp.Insert, parent: 2, index: 2, node: { kind: 2, text: "b" } },
    ]);
    br.set(false);
    expect(h.flush()).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "axb" },
      { op: PatchOp.Remove, parent: 2, index: 2 },
      { op: PatchOp.Remove, parent: 2, index: 1 },
    ]);
  });
});

describe("render scope", () => {
  test("a nested component re-renders without its parent", () => {
    const inner = signal(0);
    const renders = { parent: 0, child: 0 };
    function Child() {
      return () => {
        renders.child++;
        return <span>{inner()}</span>;
      };
    }
    function Parent() {
      return () => {
        renders.parent++;
        return (
          <div>
            <Child />
          </div>
        );
      };
    }
    const h = mount(<Parent />);
    inner.set(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    expect(renders).toEqual({ parent: 1, child: 2 });
  });

  test("a parent re-render with unchanged props does not re-render the child", () => {
    const title = signal("t1");
    const renders = { parent: 0, child: 0 };
    function Child(props: { label: string }) {
      return () => {
        renders.child++;
        return <span>{props.label}</span>;
      };
    }
    function Parent() {
      return () => {
        renders.parent++;
        return (
          <div title={title()}>
            <Child label="same" />
          </div>
        );
      };
    }
    const h = mount(<Parent />);
    title.set("t2");
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 2, name: "title", value: "t2" }]);
    expect(renders).toEqual({ parent: 2, child: 1 });
  });

  test("a changed prop re-renders only the children that read it", () => {
    const n = signal(1);
    const renders = { a: 0, b: 0 };
    function ReadsA(props: { a: number; b: string }) {
      return () => {
        renders.a++;
        return <i>{props.a}</i>;
      };
    }
    function ReadsB(props: { a: number; b: string }) {
      return () => {
        renders.b++;
        return <u>{props.b}</u>;
      };
    }
    function Parent() {
      return () => (
        <div>
          <ReadsA a={n()} b="x" />
          <ReadsB a={n()} b="x" />
        </div>
      );
    }
    const h = mount(<Parent />);
    n.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "2" }]);
    expect(renders).toEqual({ a: 2, b: 1 });
  });

  test("a parent and a child dirty in the same flush each render once", () => {
    const p = signal("p");
    const c = signal("c");
    const renders = { parent: 0, child: 0 };
    function Child(props: { v: string }) {
      return () => {
        renders.child++;
        return (
          <span>
            {props.v}/{c()}
          </span>
        );
      };
    }
    function Parent() {
      return () => {
        renders.parent++;
        return <Child v={p()} />;
      };
    }
    const h = mount(<Parent />);
    p.set("P");
    c.set("C");
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "P/C" }]);
    expect(renders).toEqual({ parent: 2, child: 2 });
  });

  test("children passed as props re-render with the parent", () => {
    const x = signal(1);
    function Card(props: { children?: VChild }) {
      return () => <div class="card">{props.children}</div>;
    }
    function Page() {
      return () => (
        <Card>
          <b>{x()}</b>
        </Card>
      );
    }
    const h = mount(<Page />);
    x.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "2" }]);
  });

  test("a clean child keeps its node when a sibling before it appears", () => {
    const show = signal(false);
    let setups = 0;
    function Stay() {
      setups++;
      return () => <p>stay</p>;
    }
    function Parent() {
      return () => (
        <div>
          {show() && <h2>new</h2>}
          <Stay />
        </div>
      );
    }
    const h = mount(<Parent />);
    show.set(true);
    expect(h.flush()).toEqual([
      expect.objectContaining({ op: PatchOp.Insert, parent: 2, index: 0 }),
    ]);
    expect(setups).toBe(1);
    expect(h.view.element(3)?.tag).toBe("p");
  });
});
