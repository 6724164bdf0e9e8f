/**
 * `<Async>` and `<ErrorBoundary>` in the live renderer: exact patch lists for every
 * transition (the harness also replays each list on the previous tree and checks the
 * hid registry), what stays mounted, and what the root reports as pending.
 */
import { describe, expect, test } from "vitest";
import { resource } from "../../src/data/resource.ts";
import { ResourceError } from "../../src/data/resource-error.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { onCleanup, signal } from "../../src/reactive/index.ts";
import { Async, ErrorBoundary } from "../../src/render/boundaries.ts";
import { onMount } from "../../src/render/context.ts";
import { MountError } from "../../src/render/mount-error.ts";
import type { Component, VChild } from "../../src/vdom/vnode.ts";
import { controlledFetcher, deferred, plainPatches, tick } from "../data/helpers.ts";
import { mount } from "./live-root-harness.ts";

const text = (t: string) => ({ text: t });

describe("<Async> in the live renderer", () => {
  test("fallback while loading, then one Replace with the content when the data arrives", async () => {
    const f = controlledFetcher<string>();
    function Page() {
      const title = resource(f.fetcher);
      return () => (
        <main>
          <Async fallback={<p>Loading</p>}>{() => <h1>{title.value()}</h1>}</Async>
        </main>
      );
    }
    const h = mount(<Page />);
    expect(h.tree().children).toEqual([
      {
        tag: "main",
        hid: 2,
        attrs: {},
        children: [{ tag: "p", hid: 3, attrs: {}, children: [text("Loading")] }],
      },
    ]);
    expect(h.view.pending).toBe(1);
    f.calls[0]!.reply.resolve("Hello");
    await tick();
    expect(h.view.pending).toBe(0);
    expect(h.notified).toBe(1);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "h1", hid: 4, attrs: {}, children: [text("Hello")] },
      },
    ]);
    expect(h.view.element(3)).toBeUndefined();
  });

  test("content ready at mount is shown at once; the fallback never mounts", () => {
    let fallbacks = 0;
    function Fallback() {
      fallbacks++;
      return <p>Loading</p>;
    }
    function Page() {
      const n = resource(() => 7);
      return () => <Async fallback={<Fallback />}>{() => <b>{n.value()}</b>}</Async>;
    }
    const h = mount(<Page />);
    expect(h.tree().children).toEqual([{ tag: "b", hid: 2, attrs: {}, children: [text("7")] }]);
    expect(fallbacks).toBe(0);
    expect(h.view.pending).toBe(0);
  });

  test("a key change hides the content behind the fallback, then shows it again with fresh hids; setups run once", async () => {
    const f = controlledFetcher<string, number>();
    const id = signal(1);
    let setups = 0;
    function Card(props: { name: string }) {
      setups++;
      return () => <li class="card">{props.name}</li>;
    }
    function Page() {
      const user = resource(f.fetcher, { key: () => id() });
      return () => (
        <ul>
          <Async fallback={<li class="skeleton" />}>{() => <Card name={user.value()} />}</Async>
        </ul>
      );
    }
    const h = mount(<Page />);
    f.calls[0]!.reply.resolve("Ada");
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "li", hid: 4, attrs: { class: "card" }, children: [text("Ada")] },
      },
    ]);
    id.set(2);
    expect(f.calls).toHaveLength(2);
    expect(f.calls[0]!.signal.aborted).toBe(false);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "li", hid: 5, attrs: { class: "skeleton" }, children: [] },
      },
    ]);
    f.calls[1]!.reply.resolve("Bob");
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "li", hid: 6, attrs: { class: "card" }, children: [text("Bob")] },
      },
    ]);
    // The card stayed mounted while hidden: one setup, re-rendered with the new name.
    expect(setups).toBe(1);
    expect(h.view.element(4)).toBeUndefined();
    expect(h.view.element(5)).toBeUndefined();
  });

  test("hidden content re-renders without sending patches; one Replace brings it all", async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    function Page() {
      const ra = resource(() => a.promise);
      const rb = resource(() => b.promise);
      return () => (
        <section>
          <Async fallback={<p>…</p>}>
            {() => (
              <div>
                <A r={ra} />
                <A r={rb} />
              </div>
            )}
          </Async>
        </section>
      );
    }
    function A(props: { r: { value(): string } }) {
      return () => <span>{props.r.value()}</span>;
    }
    const h = mount(<Page />);
    expect(h.view.pending).toBe(2);
    a.resolve("a");
    await tick();
    expect(h.flush()).toEqual([]);
    b.resolve("b");
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: {
          tag: "div",
          hid: 4,
          attrs: {},
          children: [
            { tag: "span", hid: 5, attrs: {}, children: [text("a")] },
            { tag: "span", hid: 6, attrs: {}, children: [text("b")] },
          ],
        },
      },
    ]);
  });

  test("siblings outside the boundary update in the same flush as the swap", async () => {
    const d = deferred<number>();
    const label = signal("x");
    function Page() {
      const n = resource(() => d.promise);
      return () => (
        <div>
          <h2>{label()}</h2>
          <Async fallback={<i>wait</i>}>{() => <b>{n.value()}</b>}</Async>
        </div>
      );
    }
    const h = mount(<Page />);
    d.resolve(3);
    await tick();
    label.set("y");
    expect(plainPatches(h.flush())).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "y" },
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 1,
        node: { tag: "b", hid: 5, attrs: {}, children: [text("3")] },
      },
    ]);
  });

  test("a content component that re-renders and suspends on its own flips the boundary in the same flush; its siblings' patches are dropped", async () => {
    const f = controlledFetcher<string, number>();
    const page = signal(1);
    function List(props: { items: { value(): string } }) {
      return () => <ol>{props.items.value()}</ol>;
    }
    function Pager() {
      return () => <nav>page {page()}</nav>;
    }
    function Page() {
      const items = resource(f.fetcher, { key: () => page() });
      return () => (
        <div>
          <Async fallback={<p>loading</p>}>
            {() => (
              <section>
                <Pager />
                <List items={items} />
              </section>
            )}
          </Async>
        </div>
      );
    }
    const h = mount(<Page />);
    f.calls[0]!.reply.resolve("one");
    await tick();
    h.flush();
    expect(h.tree().children[0]).toEqual({
      tag: "div",
      hid: 2,
      attrs: {},
      children: [
        {
          tag: "section",
          hid: 4,
          attrs: {},
          children: [
            { tag: "nav", hid: 5, attrs: {}, children: [text("page 1")] },
            { tag: "ol", hid: 6, attrs: {}, children: [text("one")] },
          ],
        },
      ],
    });
    // Pager re-renders first (the SetText it recorded is dropped), then List suspends.
    page.set(2);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "p", hid: 7, attrs: {}, children: [text("loading")] },
      },
    ]);
    for (const hid of [4, 5, 6]) expect(h.view.element(hid)).toBeUndefined();
    f.calls[1]!.reply.resolve("two");
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: {
          tag: "section",
          hid: 8,
          attrs: {},
          children: [
            { tag: "nav", hid: 9, attrs: {}, children: [text("page 2")] },
            { tag: "ol", hid: 10, attrs: {}, children: [text("two")] },
          ],
        },
      },
    ]);
  });

  test("onMount of hidden content waits until it shows", async () => {
    const d = deferred<string>();
    const log: string[] = [];
    function Widget(props: { r: { value(): string } }) {
      onMount(() => {
        log.push("mounted");
      });
      return () => <em>{props.r.value()}</em>;
    }
    function Page() {
      const r = resource(() => d.promise);
      return () => (
        <Async fallback="…">
          <Widget r={r} />
        </Async>
      );
    }
    const h = mount(<Page />);
    expect(log).toEqual([]);
    d.resolve("ok");
    await tick();
    h.flush();
    expect(log).toEqual(["mounted"]);
  });

  test("nested boundaries: the innermost one around a suspended component shows its fallback", async () => {
    const d = deferred<string>();
    function Page() {
      const r = resource(() => d.promise);
      return () => (
        <div>
          <Async fallback={<p>outer</p>}>
            <span>ready</span>
            <Async fallback={<p>inner</p>}>{() => <b>{r.value()}</b>}</Async>
          </Async>
        </div>
      );
    }
    const h = mount(<Page />);
    expect(h.tree().children[0]).toEqual({
      tag: "div",
      hid: 2,
      attrs: {},
      children: [
        { tag: "span", hid: 3, attrs: {}, children: [text("ready")] },
        { tag: "p", hid: 4, attrs: {}, children: [text("inner")] },
      ],
    });
  });

  test("a suspended component outside any <Async> renders nothing until ready", async () => {
    const d = deferred<string>();
    function Page() {
      const r = resource(() => d.promise);
      return () => <p>{r.value()}</p>;
    }
    const h = mount(
      <div>
        <Page />
      </div>,
    );
    expect(h.tree().children).toEqual([{ tag: "div", hid: 2, attrs: {}, children: [] }]);
    d.resolve("late");
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Insert,
        parent: 2,
        index: 0,
        node: { tag: "p", hid: 3, attrs: {}, children: [text("late")] },
      },
    ]);
  });

  test("a stateless component reading a resource it was given suspends and is called again when it settles", async () => {
    const d = deferred<string>();
    let calls = 0;
    function Name(props: { r: { value(): string } }): VChild {
      calls++;
      return <b>{props.r.value()}</b>;
    }
    function Page() {
      const r = resource(() => d.promise);
      return () => (
        <Async fallback={<i>…</i>}>
          <Name r={r} />
        </Async>
      );
    }
    const h = mount(<Page />);
    expect(calls).toBe(1);
    d.resolve("Zoe");
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 1,
        index: 0,
        node: { tag: "b", hid: 3, attrs: {}, children: [text("Zoe")] },
      },
    ]);
    expect(calls).toBe(2);
  });

  test("a setup reading its own resource before it is ready is refused with resource_read_in_setup", () => {
    function Bad() {
      const r = resource(() => new Promise<string>(() => {}));
      const v = r.value();
      return () => <p>{v}</p>;
    }
    let error: unknown;
    try {
      mount(
        <Async fallback="…">
          <Bad />
        </Async>,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MountError);
    expect((error as MountError).code).toBe("render_error");
    expect(((error as MountError).cause as { code: string }).code).toBe("resource_read_in_setup");
  });

  test("unmounting aborts the fetch in flight and releases the pending task", () => {
    const f = controlledFetcher<string>();
    const show = signal(true);
    function Loader() {
      const r = resource(f.fetcher);
      return () => <p>{r.value()}</p>;
    }
    function Page() {
      return () => <div>{show() && <Loader />}</div>;
    }
    const h = mount(<Page />);
    expect(h.view.pending).toBe(1);
    show.set(false);
    h.flush();
    expect(f.calls[0]!.signal.aborted).toBe(true);
    expect(h.view.pending).toBe(0);
  });
});

describe("async components in the live renderer", () => {
  function asyncComponent<P>(fn: (props: P) => Promise<unknown>): Component<P> {
    return fn as unknown as Component<P>;
  }

  test("are awaited: the fallback shows meanwhile, the resolved render goes live", async () => {
    const d = deferred<string>();
    const n = signal(1);
    const User = asyncComponent(async () => {
      const name = await d.promise;
      return () => (
        <p>
          {name} {n()}
        </p>
      );
    });
    const h = mount(
      <Async fallback={<i>loading</i>}>
        <User />
      </Async>,
    );
    expect(h.view.pending).toBe(1);
    d.resolve("Ann");
    await tick();
    expect(h.view.pending).toBe(0);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 1,
        index: 0,
        node: { tag: "p", hid: 3, attrs: {}, children: [text("Ann 1")] },
      },
    ]);
    n.set(2);
    expect(h.flush()).toEqual([{ op: PatchOp.SetText, parent: 3, index: 0, text: "Ann 2" }]);
  });

  test("a rejection reaches the error boundary", async () => {
    const Fails = asyncComponent(async () => {
      await tick();
      throw new Error("no data");
    });
    const h = mount(
      <ErrorBoundary fallback={(e) => <p>{(e as Error).message}</p>}>
        <Fails />
      </ErrorBoundary>,
    );
    expect(h.tree().children).toEqual([]);
    await tick();
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Insert,
        parent: 1,
        index: 0,
        node: { tag: "p", hid: 2, attrs: {}, children: [text("no data")] },
      },
    ]);
  });
});

describe("<ErrorBoundary> in the live renderer", () => {
  test("content → error fallback → reset → content, each one flush", () => {
    const boom = signal(false);
    const log: string[] = [];
    function Widget() {
      log.push("setup");
      onCleanup(() => log.push("cleanup"));
      return () => {
        if (boom()) throw new Error("kaboom");
        return <b>ok</b>;
      };
    }
    let reset: () => void = () => {};
    const h = mount(
      <div>
        <ErrorBoundary
          fallback={(e, r) => {
            reset = r;
            return <p class="error">{(e as Error).message}</p>;
          }}
        >
          <Widget />
        </ErrorBoundary>
      </div>,
    );
    expect(h.tree().children[0]).toEqual({
      tag: "div",
      hid: 2,
      attrs: {},
      children: [{ tag: "b", hid: 3, attrs: {}, children: [text("ok")] }],
    });
    boom.set(true);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "p", hid: 4, attrs: { class: "error" }, children: [text("kaboom")] },
      },
    ]);
    expect(log).toEqual(["setup", "cleanup"]);
    boom.set(false);
    reset();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "b", hid: 5, attrs: {}, children: [text("ok")] },
      },
    ]);
    expect(log).toEqual(["setup", "cleanup", "setup"]);
  });

  test("catches a setup error at mount; the fallback gets the error as thrown and onError the component stack", () => {
    const seen: unknown[] = [];
    function Broken(): VChild {
      throw new TypeError("bad setup");
    }
    function Panel() {
      return () => <Broken />;
    }
    const h = mount(
      <ErrorBoundary
        fallback={(e) => <p>{e instanceof TypeError ? "type error" : "other"}</p>}
        onError={(e, info) => seen.push(e, info.componentStack)}
      >
        <Panel />
      </ErrorBoundary>,
    );
    expect(h.tree().children).toEqual([
      { tag: "p", hid: 2, attrs: {}, children: [text("type error")] },
    ]);
    expect(seen[0]).toBeInstanceOf(TypeError);
    expect(seen[1]).toEqual(["Broken", "Panel", "ContentRegion", "ErrorBoundary"]);
  });

  test("a failed resource fetch reaches it as a ResourceError with the cause", async () => {
    const f = controlledFetcher<string>();
    let caught: unknown;
    function Page() {
      const r = resource(f.fetcher);
      return () => (
        <ErrorBoundary
          fallback={(e) => {
            caught = e;
            return <p>failed</p>;
          }}
        >
          <Async fallback={<p>loading</p>}>{() => <b>{r.value()}</b>}</Async>
        </ErrorBoundary>
      );
    }
    const h = mount(<Page />);
    const cause = new Error("503");
    f.calls[0]!.reply.reject(cause);
    await tick();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 1,
        index: 0,
        node: { tag: "p", hid: 3, attrs: {}, children: [text("failed")] },
      },
    ]);
    expect(caught).toBeInstanceOf(ResourceError);
    expect((caught as ResourceError).code).toBe("resource_failed");
    expect((caught as ResourceError).cause).toBe(cause);
  });

  test("an error of a deeper component drops what its siblings inside the boundary recorded in that flush", () => {
    const n = signal(1);
    function Shows() {
      return () => <i>{n()}</i>;
    }
    function Throws() {
      return () => {
        if (n() === 2) throw new Error("two");
        return <u>{n()}</u>;
      };
    }
    const h = mount(
      <section>
        <ErrorBoundary fallback={() => <p>oops</p>}>
          <div>
            <Shows />
            <Throws />
          </div>
        </ErrorBoundary>
      </section>,
    );
    n.set(2);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 2,
        index: 0,
        node: { tag: "p", hid: 6, attrs: {}, children: [text("oops")] },
      },
    ]);
    for (const hid of [3, 4, 5]) expect(h.view.element(hid)).toBeUndefined();
  });

  test("an error in the fallback goes to the next boundary up; errors outside any boundary still fail the flush", () => {
    const boom = signal(false);
    function Fragile() {
      return () => {
        if (boom()) throw new Error("inner");
        return <b>fine</b>;
      };
    }
    const h = mount(
      <ErrorBoundary fallback={(e) => <p>outer: {(e as Error).message}</p>}>
        <ErrorBoundary
          fallback={() => {
            throw new Error("fallback broke");
          }}
        >
          <Fragile />
        </ErrorBoundary>
      </ErrorBoundary>,
    );
    boom.set(true);
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 1,
        index: 0,
        node: { tag: "p", hid: 3, attrs: {}, children: [text("outer: fallback broke")] },
      },
    ]);

    const bad = signal(false);
    function Plain() {
      return () => {
        if (bad()) throw new Error("unguarded");
        return <b>x</b>;
      };
    }
    const h2 = mount(<Plain />);
    bad.set(true);
    expect(() => h2.view.flush([])).toThrow(MountError);
  });

  test("new children from the parent are tried again after a reset only", () => {
    const which = signal<"good" | "bad">("bad");
    function Good() {
      return <b>good</b>;
    }
    function Bad(): VChild {
      throw new Error("bad");
    }
    let reset: () => void = () => {};
    function Page() {
      return () => (
        <ErrorBoundary
          fallback={(_e, r) => {
            reset = r;
            return <p>failed</p>;
          }}
        >
          {which() === "good" ? <Good /> : <Bad />}
        </ErrorBoundary>
      );
    }
    const h = mount(<Page />);
    expect(h.tree().children).toEqual([
      { tag: "p", hid: 2, attrs: {}, children: [text("failed")] },
    ]);
    which.set("good");
    expect(h.flush()).toEqual([]);
    reset();
    expect(plainPatches(h.flush())).toEqual([
      {
        op: PatchOp.Replace,
        parent: 1,
        index: 0,
        node: { tag: "b", hid: 3, attrs: {}, children: [text("good")] },
      },
    ]);
  });
});

describe("root.settled", () => {
  test("resolves true when every fetch settled, false after the budget", async () => {
    const fast = deferred<string>();
    const slow = deferred<string>();
    function Page() {
      const a = resource(() => fast.promise);
      const b = resource(() => slow.promise);
      return () => (
        <div>
          <Async fallback="a…">{() => a.value()}</Async>
          <Async fallback="b…">{() => b.value()}</Async>
        </div>
      );
    }
    const h = mount(<Page />);
    expect(h.view.pending).toBe(2);
    setTimeout(() => fast.resolve("A"), 1);
    expect(await h.view.settled(40)).toBe(false);
    expect(h.view.pending).toBe(1);
    h.flush();
    expect(h.tree().children[0]).toEqual({
      tag: "div",
      hid: 2,
      attrs: {},
      children: [text("Ab…")],
    });
    setTimeout(() => slow.resolve("B"), 1);
    expect(await h.view.settled(1000)).toBe(true);
    h.flush();
    expect(h.tree().children[0]).toEqual({ tag: "div", hid: 2, attrs: {}, children: [text("AB")] });
    expect(await h.view.settled(0)).toBe(true);
  });
});
