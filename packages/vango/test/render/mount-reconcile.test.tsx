import { describe, expect, test } from "vitest";
import { PatchOp } from "../../src/protocol/patch.ts";
import { signal } from "../../src/reactive/index.ts";
import { mount } from "./live-root-harness.ts";

/** A stateful component that records its setups, showing whether its instance survived. */
function tracked(log: string[], name: string) {
  return function Probe() {
    log.push(`setup ${name}`);
    return () => <span>{name}</span>;
  };
}

describe("instance matching", () => {
  test("an unkeyed component keeps its instance when a conditional sibling comes and goes", () => {
    const log: string[] = [];
    const A = tracked(log, "a");
    const B = tracked(log, "b");
    const show = signal(false);
    function Parent() {
      return () => (
        <div>
          {show() && <A />}
          <B />
        </div>
      );
    }
    const h = mount(<Parent />);
    show.set(true);
    h.flush();
    show.set(false);
    expect(h.flush()).toEqual([{ op: PatchOp.Remove, parent: 2, index: 0 }]);
    expect(log).toEqual(["setup b", "setup a"]);
  });

  test("a different component type at the same place remounts", () => {
    const log: string[] = [];
    const A = tracked(log, "a");
    const B = tracked(log, "b");
    const which = signal(true);
    function Parent() {
      return () => <div>{which() ? <A /> : <B />}</div>;
    }
    const h = mount(<Parent />);
    which.set(false);
    expect(h.flush()).toEqual([
      expect.objectContaining({ op: PatchOp.Replace, parent: 2, index: 0 }),
    ]);
    expect(log).toEqual(["setup a", "setup b"]);
  });

  test("changing a key remounts; the same key at another position keeps the instance", () => {
    const log: string[] = [];
    const A = tracked(log, "a");
    const key = signal("k1");
    const before = signal(false);
    function Parent() {
      return () => (
        <div>
          {before() && <p>before</p>}
          <A key={key()} />
        </div>
      );
    }
    const h = mount(<Parent />);
    before.set(true);
    h.flush();
    expect(log).toEqual(["setup a"]);
    key.set("k2");
    h.flush();
    expect(log).toEqual(["setup a", "setup a"]);
  });

  test("an element's tag change replaces it; same tag keeps its hid", () => {
    const tag = signal(true);
    const cls = signal("x");
    function Parent() {
      return () => <div>{tag() ? <p class={cls()}>t</p> : <h3>t</h3>}</div>;
    }
    const h = mount(<Parent />);
    cls.set("y");
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 3, name: "class", value: "y" }]);
    tag.set(false);
    expect(h.flush()).toEqual([
      expect.objectContaining({ op: PatchOp.Replace, parent: 2, index: 0 }),
    ]);
  });

  test("a VNode rendered again as the same object is skipped", () => {
    const n = signal(0);
    let childRenders = 0;
    function Child() {
      return () => {
        childRenders++;
        return <b>child</b>;
      };
    }
    const hoisted = (
      <aside>
        <Child />
      </aside>
    );
    function Parent() {
      return () => <div data-n={n()}>{hoisted}</div>;
    }
    const h = mount(<Parent />);
    n.set(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 2, name: "data-n", value: "1" }]);
    expect(childRenders).toBe(1);
  });
});

describe("element content rules shared with SSR", () => {
  test("void elements and <textarea value> get no host children", () => {
    const v = signal("a");
    function Form() {
      return () => (
        <form>
          <textarea value={v()}>ignored</textarea>
          <input value={v()} />
        </form>
      );
    }
    const h = mount(<Form />);
    expect(h.tree().children[0]).toMatchObject({
      children: [
        { tag: "textarea", attrs: { value: "a" }, children: [] },
        { tag: "input", attrs: { value: "a" }, children: [] },
      ],
    });
    v.set("b");
    expect(h.flush()).toEqual([
      { op: PatchOp.SetProp, hid: 3, name: "value", value: "b" },
      { op: PatchOp.SetProp, hid: 4, name: "value", value: "b" },
    ]);
  });
});
