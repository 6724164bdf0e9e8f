import { describe, expect, test } from "vitest";
import { PatchOp } from "../../src/protocol/patch.ts";
import { getOwner, runWithOwner, type Signal, signal } from "../../src/reactive/index.ts";
import { createContext, onMount, provide, useContext } from "../../src/render/context.ts";
import { mountLive } from "../../src/render/live-root.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { mount } from "./live-root-harness.ts";

const noop = () => {};

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return (e as { code?: unknown }).code;
  }
  return "no throw";
}

describe("context", () => {
  const Theme = createContext("light", "Theme");

  function Show(props: { id: string }) {
    const theme = useContext(Theme);
    return () => (
      <i id={props.id} class={theme}>
        {theme}
      </i>
    );
  }

  test("descendants read the nearest provider, else the default", () => {
    function Dark(props: { children?: VChild }) {
      provide(Theme, "dark");
      return () => <section>{props.children}</section>;
    }
    function Blue(props: { children?: VChild }) {
      provide(Theme, "blue");
      return props.children;
    }
    const view = mountLive(
      <div>
        <Show id="a" />
        <Dark>
          <Show id="b" />
          <Blue>
            <Show id="c" />
          </Blue>
        </Dark>
      </div>,
      { onDirty: noop },
    );
    const classes: Record<string, string | undefined> = {};
    for (let hid = 1; hid < 10; hid++) {
      const el = view.element(hid);
      if (el?.tag === "i") classes[el.attrs.id!] = el.attrs.class;
    }
    expect(classes).toEqual({ a: "light", b: "dark", c: "blue" });
  });

  test("a provided signal carries changes to readers", () => {
    const Count = createContext<Signal<number> | null>(null);
    const count = signal(1);
    function Provider(props: { children?: VChild }) {
      provide(Count, count);
      return () => <div>{props.children}</div>;
    }
    function Reader() {
      const c = useContext(Count)!;
      return () => <b>{c()}</b>;
    }
    const h = mount(
      <Provider>
        <Reader />
      </Provider>,
    );
    count.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "2" }]);
  });

  test("a component sees what it provides itself, and late lookups go through the owner", () => {
    let late: (() => string) | null = null;
    function Self() {
      provide(Theme, "self");
      const owner = getOwner();
      late = () => runWithOwner(owner, () => useContext(Theme));
      return () => <p>{useContext(Theme)}</p>;
    }
    const view = mountLive(<Self />, { onDirty: noop });
    expect(view.root.children).toEqual([
      expect.objectContaining({ tag: "p", children: [{ kind: 2, text: "self" }] }),
    ]);
    expect(late!()).toBe("self");
  });

  test("outside components: useContext gives the default, provide/onMount throw", () => {
    expect(useContext(Theme)).toBe("light");
    expect(codeOf(() => provide(Theme, "x"))).toBe("no_component_scope");
    expect(codeOf(() => onMount(noop))).toBe("no_component_scope");
  });
});

describe("onMount", () => {
  test("runs after the mount has hids; its returned cleanup runs on dispose", () => {
    const log: string[] = [];
    let seen: string | undefined;
    let view: ReturnType<typeof mountLive> | null = null;
    function Child() {
      onMount(() => {
        log.push("child mounted");
      });
      return () => <b>child</b>;
    }
    function Parent() {
      onMount(() => {
        log.push("parent mounted");
        seen = view?.element(3)?.tag;
        return () => log.push("parent unmount");
      });
      return () => (
        <div>
          <Child />
        </div>
      );
    }
    view = mountLive(<Parent />, { onDirty: noop });
    expect(log).toEqual(["child mounted", "parent mounted"]);
    expect(seen).toBeUndefined(); // `view` was not yet assigned while mounting
    view.dispose();
    expect(log).toEqual(["child mounted", "parent mounted", "parent unmount"]);
  });

  test("a component mounted by a flush runs onMount after that flush", () => {
    const show = signal(false);
    const log: string[] = [];
    function Late() {
      onMount(() => {
        log.push("late mounted");
      });
      return () => <em>late</em>;
    }
    function App() {
      return () => <div>{show() && <Late />}</div>;
    }
    const h = mount(<App />);
    show.set(true);
    expect(log).toEqual([]);
    h.flush();
    expect(log).toEqual(["late mounted"]);
  });

  test("a signal written in onMount schedules another flush", () => {
    const n = signal(0);
    function Loader() {
      onMount(() => n.set(5));
      return () => <p>{n()}</p>;
    }
    const h = mount(<Loader />);
    expect(h.notified).toBe(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "5" }]);
  });

  test("an onMount error in a flush fails that flush and the next one recovers", () => {
    const show = signal(false);
    const fail = { on: true };
    function Late() {
      onMount(() => {
        if (fail.on) throw new Error("mount boom");
      });
      return () => <em>late</em>;
    }
    function App() {
      return () => <div>{show() && <Late />}</div>;
    }
    const h = mount(<App />);
    show.set(true);
    expect(codeOf(() => h.view.flush([]))).toBe("render_error");
    expect(h.view.dirty).toBe(true);
    fail.on = false;
    expect(h.flush()).toEqual([
      expect.objectContaining({ op: PatchOp.Insert, parent: 2, index: 0 }),
    ]);
  });
});
