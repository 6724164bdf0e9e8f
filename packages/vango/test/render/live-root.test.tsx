import { describe, expect, test } from "vitest";
import { jsx } from "../../src/jsx-runtime.ts";
import { ROOT_ID } from "../../src/protocol/dom-attrs.ts";
import { type Patch, PatchOp } from "../../src/protocol/patch.ts";
import { onCleanup, signal } from "../../src/reactive/index.ts";
import { mountLive } from "../../src/render/live-root.ts";
import { MountError } from "../../src/render/mount-error.ts";
import { serializeHost } from "../../src/render/serialize-host.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { mount } from "./live-root-harness.ts";

const noop = () => {};

function errorOf(fn: () => unknown): { code?: unknown; cause?: unknown } {
  try {
    fn();
  } catch (e) {
    return e as { code?: unknown; cause?: unknown };
  }
  throw new Error("expected a throw");
}

function Greeting(props: { name: string }) {
  return <span class="name">{props.name}</span>;
}

function Counter(props: { start: number }) {
  const n = signal(props.start);
  return () => (
    <>
      Count: {n()}
      <button type="button" onClick={() => n.set(n() + 1)} disabled={n() > 9}>
        +
      </button>
    </>
  );
}

/** A tree touching every host-list rule: merges, fragments, raw, void, pre, textarea. */
function richTree(): VChild {
  return (
    <main id="app">
      Hello, <Greeting name="Ada" />!
      <ul>
        {[1, 2, 3].map((i) => (
          <li key={i}>
            item {i}
            {i === 2 && <b>two</b>}
          </li>
        ))}
      </ul>
      <Counter start={2} />
      <article>{raw(trustedHtml("<p>trusted</p>"))}</article>
      <pre>{"\nline"}</pre>
      <textarea value={"v<"} />
      <input value="x" checked />
      {null}
      {false}
      {""}
      {/* biome-ignore lint/complexity/noUselessFragments: a fragment in the middle of a child list is the case under test */}
      <>
        a{"b"}
        <Greeting name="Bob" />
      </>
    </main>
  );
}

describe("mountLive", () => {
  test("numbers the root and its descendants in document pre-order", () => {
    const h = mount(
      <div>
        <p>a</p>
        <p>b</p>
      </div>,
    );
    expect(h.view.root.hid).toBe(1);
    expect(h.view.root.attrs).toEqual({ id: ROOT_ID });
    expect(h.tree().children).toEqual([
      {
        tag: "div",
        hid: 2,
        attrs: {},
        children: [
          { tag: "p", hid: 3, attrs: {}, children: [{ text: "a" }] },
          { tag: "p", hid: 4, attrs: {}, children: [{ text: "b" }] },
        ],
      },
    ]);
  });

  test("honours hidStart and rootAttrs", () => {
    const view = mountLive(<p>x</p>, {
      onDirty: noop,
      hidStart: 10,
      rootAttrs: { class: "app", id: "ignored" },
    });
    expect(view.root.hid).toBe(10);
    expect(view.root.attrs).toEqual({ id: ROOT_ID, class: "app" });
    expect(view.element(11)?.tag).toBe("p");
  });

  test("is deterministic", () => {
    const a = mountLive(richTree(), { onDirty: noop });
    const b = mountLive(richTree(), { onDirty: noop });
    // Everything but the handler closures (new per render) is identical, keys included.
    const shape = (v: unknown) =>
      JSON.stringify(v, (_k, x) => (typeof x === "function" ? "fn" : x));
    expect(shape(b.root)).toBe(shape(a.root));
    expect(serializeHost(a.root)).toBe(serializeHost(b.root));
  });

  test("serialises exactly like the SSR of the same tree inside the root container", () => {
    const view = mountLive(richTree(), { onDirty: noop });
    const ssr = renderToString(richTree(), { hidStart: 2 });
    expect(view.root.children.map(serializeHost).join("")).toBe(ssr);
    expect(serializeHost(view.root)).toBe(`<div data-hid="1" id="vango-root">${ssr}</div>`);
  });

  test("keeps matching the SSR after updates", () => {
    const items = signal([1, 2, 3]);
    const label = signal("L");
    function App() {
      return () => (
        <section>
          {label()}
          <Greeting name={label()} />
          {items().map((i) => (
            <Counter key={i} start={i} />
          ))}
        </section>
      );
    }
    const h = mount(<App />);
    items.set([3, 1, 4]);
    label.set("M");
    h.flush();
    const fresh = mountLive(<App />, { onDirty: noop });
    // Same structure; hids differ only where nodes were created later.
    expect(serializeHost(h.view.root).replace(/ data-hid="\d+"/g, "")).toBe(
      serializeHost(fresh.root).replace(/ data-hid="\d+"/g, ""),
    );
  });

  test("hids(): none while numbered as a fresh mount numbers them; adoptHids([]) numbers so", () => {
    const items = signal([1, 2]);
    function List() {
      return () => (
        <ul>
          {items().map((i) => (
            <li key={i}>{i}</li>
          ))}
          <p>end</p>
        </ul>
      );
    }
    const view = mountLive(<List />, { onDirty: noop });
    expect(view.hids()).toEqual([]);
    items.set([1, 2, 3]);
    view.flush([]);
    // The new item's hid comes after every other's: not a fresh mount's numbering now.
    const hids = view.hids();
    expect(hids).toHaveLength(5);
    expect(hids).not.toEqual([2, 3, 4, 5, 6]);
    const fresh = mountLive(<List />, { onDirty: noop });
    expect(fresh.hids()).toEqual([]);
    expect(fresh.adoptHids(hids)).toBe(true);
    expect(fresh.hids()).toEqual(hids);
    expect(serializeHost(fresh.root)).toBe(serializeHost(view.root));
    expect(fresh.adoptHids([])).toBe(true);
    expect(fresh.hids()).toEqual([]);
    expect(fresh.adoptHids([2, 3])).toBe(false); // counts differ
  });

  test("handler() finds bindings by hid and ignores inherited names", () => {
    const clicks: unknown[] = [];
    const view = mountLive(
      <button type="button" onClick={(e) => clicks.push(e)} class="b">
        go
      </button>,
      { onDirty: noop },
    );
    view.handler(2, "click")!.handler(7);
    expect(clicks).toEqual([7]);
    expect(view.handler(2, "input")).toBeUndefined();
    expect(view.handler(2, "constructor")).toBeUndefined();
    expect(view.handler(99, "click")).toBeUndefined();
    expect(view.handler(1, "click")).toBeUndefined();
  });

  test("a setup error is a render_error with the original as cause, after cleanup", () => {
    const log: string[] = [];
    const boom = new Error("boom");
    function Ok() {
      onCleanup(() => log.push("ok cleanup"));
      return () => <p>ok</p>;
    }
    function Bad(): () => VChild {
      throw boom;
    }
    const e = errorOf(() =>
      mountLive(
        <div>
          <Ok />
          <Bad />
        </div>,
        { onDirty: noop },
      ),
    );
    expect(e).toBeInstanceOf(MountError);
    expect(e.code).toBe("render_error");
    expect(e.cause).toBe(boom);
    expect(log).toEqual(["ok cleanup"]);
  });

  test("a renderer error keeps its own code", () => {
    const e = errorOf(() =>
      mountLive(<div>x{raw(trustedHtml("<b>y</b>"))}</div>, { onDirty: noop }),
    );
    expect(e.code).toBe("raw_html_not_only_child");
    expect(errorOf(() => mountLive(jsx("bad tag", {}), { onDirty: noop })).code).toBe(
      "invalid_tag",
    );
  });

  test("calls onDirty for a change made during mount", () => {
    const n = signal(0);
    function Reader() {
      return () => <p>{n()}</p>;
    }
    function Writer() {
      n.set(1);
      return () => <i />;
    }
    const h = mount(
      <div>
        <Reader />
        <Writer />
      </div>,
    );
    expect(h.notified).toBe(1);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }]);
  });
});

describe("flush", () => {
  test("returns 0 and appends nothing when clean", () => {
    const view = mountLive(<p>x</p>, { onDirty: noop });
    const out: Patch[] = [{ op: PatchOp.Remove, parent: 1, index: 0 }];
    expect(view.flush(out)).toBe(0);
    expect(out).toHaveLength(1);
  });

  test("appends after existing patches and returns the count appended", () => {
    const n = signal(1);
    function P() {
      return () => <p>{n()}</p>;
    }
    const view = mountLive(<P />, { onDirty: noop });
    const first: Patch = { op: PatchOp.Remove, parent: 9, index: 0 };
    const out: Patch[] = [first];
    n.set(2);
    expect(view.flush(out)).toBe(1);
    expect(out).toEqual([first, { op: PatchOp.SetText, parent: 2, index: 0, text: "2" }]);
  });

  test("a render error leaves out untouched and a later flush catches up", () => {
    const n = signal(1);
    const other = signal("a");
    const boom = new Error("render boom");
    function Fragile() {
      return () => {
        if (n() === 2) throw boom;
        return <p>{n()}</p>;
      };
    }
    function Other() {
      return () => <i>{other()}</i>;
    }
    function App() {
      return () => (
        <div>
          <Other />
          <Fragile />
        </div>
      );
    }
    const h = mount(<App />);
    // div 2, i 3, p 4
    other.set("b");
    n.set(2);
    const out: Patch[] = [];
    const e = errorOf(() => h.view.flush(out));
    expect(e.code).toBe("render_error");
    expect(e.cause).toBe(boom);
    expect(out).toEqual([]);
    expect(h.view.dirty).toBe(true);
    expect(h.tree().children[0]).toMatchObject({
      children: [
        { hid: 3, children: [{ text: "a" }] },
        { hid: 4, children: [{ text: "1" }] },
      ],
    });
    n.set(3);
    expect(h.flush()).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "b" },
      { op: PatchOp.SetText, parent: 4, index: 0, text: "3" },
    ]);
    expect(h.view.dirty).toBe(false);
    other.set("c");
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "c" }]);
  });

  test("a setup error in a component mounted by a flush disposes it; retrying works", () => {
    const show = signal(false);
    const fail = signal(true);
    const log: string[] = [];
    function Child() {
      onCleanup(() => log.push("child cleanup"));
      if (fail.peek()) throw new Error("setup boom");
      return () => <em>child</em>;
    }
    function Inner() {
      onCleanup(() => log.push("inner cleanup"));
      return () => <u>inner</u>;
    }
    function App() {
      return () => (
        <div title={show() ? "on" : "off"}>
          {show() && <Inner />}
          {show() && <Child />}
        </div>
      );
    }
    const h = mount(<App />);
    show.set(true);
    expect(errorOf(() => h.view.flush([])).code).toBe("render_error");
    expect(log).toEqual(["child cleanup", "inner cleanup"]);
    fail.set(false);
    expect(h.flush()).toEqual([
      { op: PatchOp.SetAttr, hid: 2, name: "title", value: "on" },
      expect.objectContaining({ op: PatchOp.Insert, parent: 2, index: 0 }),
      expect.objectContaining({ op: PatchOp.Insert, parent: 2, index: 1 }),
    ]);
  });

  test("a cleanup that throws fails the flush; the next flush sends the removal", () => {
    const show = signal(true);
    const bad = new Error("cleanup boom");
    function Child() {
      onCleanup(() => {
        throw bad;
      });
      return () => <em>child</em>;
    }
    function App() {
      return () => <div>{show() && <Child />}</div>;
    }
    const h = mount(<App />);
    show.set(false);
    const e = errorOf(() => h.view.flush([]));
    expect(e.code).toBe("render_error");
    expect(e.cause).toBe(bad);
    expect(h.view.dirty).toBe(true);
    expect(h.flush()).toEqual([{ op: PatchOp.Remove, parent: 2, index: 0 }]);
  });

  test("raw HTML gaining a sibling fails with its code; fixing it recovers", () => {
    const extra = signal(false);
    function Doc() {
      return () => (
        <article>
          {raw(trustedHtml("<p>r</p>"))}
          {extra() && "tail"}
        </article>
      );
    }
    const h = mount(<Doc />);
    extra.set(true);
    expect(errorOf(() => h.view.flush([])).code).toBe("raw_html_not_only_child");
    extra.set(false);
    expect(h.flush()).toEqual([]);
  });
});
