import { describe, expect, test } from "vitest";
import { PatchOp } from "../../src/protocol/patch.ts";
import { effect, onCleanup, signal } from "../../src/reactive/index.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { mount } from "./live-root-harness.ts";

describe("stateless components", () => {
  test("are re-called on each parent render, with a fresh owner each call", () => {
    const n = signal(1);
    const log: string[] = [];
    function Badge(props: { n: number }) {
      const n = props.n;
      log.push(`call ${n}`);
      onCleanup(() => log.push(`cleanup ${n}`));
      return <span class="badge">{props.n}</span>;
    }
    function Parent() {
      return () => (
        <div>
          <Badge n={n()} />
        </div>
      );
    }
    const h = mount(<Parent />);
    n.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "2" }]);
    expect(log).toEqual(["call 1", "cleanup 1", "call 2"]);
    h.view.dispose();
    expect(log).toEqual(["call 1", "cleanup 1", "call 2", "cleanup 2"]);
  });

  test("keep the stateful components they render", () => {
    const n = signal(1);
    let setups = 0;
    function Counter() {
      setups++;
      const c = signal(0);
      return () => (
        <button type="button" onClick={() => c.set(c() + 1)}>
          {c()}
        </button>
      );
    }
    function Wrap(props: { n: number }) {
      return (
        <div data-n={props.n}>
          <Counter />
        </div>
      );
    }
    function Parent() {
      return () => <Wrap n={n()} />;
    }
    const h = mount(<Parent />);
    h.view.handler(3, "click")!.handler({});
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
    n.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetAttr, hid: 2, name: "data-n", value: "2" }]);
    expect(setups).toBe(1);
  });
});

describe("unmounting", () => {
  test("disposes effects and cleanups of the whole removed subtree", () => {
    const show = signal(true);
    const tick = signal(0);
    const log: string[] = [];
    function Leaf() {
      effect(() => {
        log.push(`leaf effect ${tick()}`);
        return () => log.push("leaf effect cleanup");
      });
      onCleanup(() => log.push("leaf cleanup"));
      return () => <i>leaf</i>;
    }
    function Branch() {
      onCleanup(() => log.push("branch cleanup"));
      return () => (
        <div>
          <Leaf />
        </div>
      );
    }
    function Root() {
      return () => <main>{show() ? <Branch /> : "gone"}</main>;
    }
    const h = mount(<Root />);
    tick.set(1);
    expect(log).toEqual(["leaf effect 0", "leaf effect cleanup", "leaf effect 1"]);
    log.length = 0;
    show.set(false);
    expect(h.flush()).toEqual([
      { op: PatchOp.Replace, parent: 2, index: 0, node: { kind: 2, text: "gone" } },
    ]);
    // Newest first within an owner (the cleanup was registered after the effect).
    expect(log).toEqual(["leaf cleanup", "leaf effect cleanup", "branch cleanup"]);
    log.length = 0;
    tick.set(2);
    expect(log).toEqual([]);
  });

  test("dispose() runs every cleanup and clears the registry", () => {
    const log: string[] = [];
    function A(props: { id: string }) {
      onCleanup(() => log.push(props.id));
      return () => <p>{props.id}</p>;
    }
    const h = mount(
      <div>
        <A id="1" />
        <A id="2" />
      </div>,
    );
    expect(h.view.element(3)?.tag).toBe("p");
    h.view.dispose();
    expect(log.sort()).toEqual(["1", "2"]);
    expect(h.view.element(3)).toBeUndefined();
    expect(h.view.flush([])).toBe(0);
  });
});

describe("depth", () => {
  test("a 200-deep component tree mounts and updates", () => {
    const leaf = signal("x");
    function Nest(props: { d: number }): () => VChild {
      return () =>
        props.d === 0 ? (
          <span>{leaf()}</span>
        ) : (
          <div>
            <Nest d={props.d - 1} />
          </div>
        );
    }
    const h = mount(<Nest d={200} />);
    // 200 divs: hids 2..201, span 202
    expect(h.view.element(202)?.tag).toBe("span");
    leaf.set("y");
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 202, index: 0, text: "y" }]);
  });
});
