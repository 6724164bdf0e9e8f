/** `renderToString` with components: setup/render once, owners, context, cleanup, errors. */
import { describe, expect, test } from "vitest";
import { effect, getOwner, type Owner, onCleanup, signal } from "../../src/reactive/index.ts";
import { createContext, onMount, provide, useContext } from "../../src/render/context.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { type VChild, VKind, VNODE, type VNode } from "../../src/vdom/vnode.ts";
import { asyncComponent, codeOf } from "./ssr-helpers.ts";

describe("renderToString: components", () => {
  test("components and fragments are transparent; texts from different ones are adjacent", () => {
    const Label = (p: { text: string }) => <>{p.text}</>;
    const Pair = () => (
      <>
        <Label text="a" />
        <Label text="b" />
        <i>c</i>
      </>
    );
    expect(
      renderToString(
        <p>
          <Pair />
          tail
        </p>,
      ),
    ).toBe('<p data-hid="1">ab<i data-hid="2">c</i>tail</p>');
  });

  test("props reach the component, including children", () => {
    const Box = (p: { title: string; children?: VChild }) => (
      <section title={p.title}>{p.children}</section>
    );
    expect(
      renderToString(
        <Box title="t">
          <b>x</b>y
        </Box>,
      ),
    ).toBe('<section data-hid="1" title="t"><b data-hid="2">x</b>y</section>');
  });

  test("a component may return arrays, strings, numbers, null", () => {
    const Many = () => ["a", <b />, 3, null];
    const Nothing = () => null;
    expect(
      renderToString(
        <div>
          <Many />
          <Nothing />
        </div>,
      ),
    ).toBe('<div data-hid="1">a<b data-hid="2"></b>3</div>');
  });

  test("stateful component: setup once, render once, cleanups after the whole render", () => {
    const log: string[] = [];
    function Counter(p: { name: string }) {
      log.push(`setup ${p.name}`);
      const count = signal(1);
      effect(() => {
        log.push(`effect ${p.name} ${count()}`);
        return () => log.push(`effect cleanup ${p.name}`);
      });
      onCleanup(() => log.push(`cleanup ${p.name}`));
      return () => {
        log.push(`render ${p.name}`);
        return (
          <span>
            {p.name}
            {count()}
          </span>
        );
      };
    }
    const html = renderToString(
      <div>
        <Counter name="a" />
        <Counter name="b" />
      </div>,
    );
    log.push("done");
    expect(html).toBe(
      '<div data-hid="1"><span data-hid="2">a1</span><span data-hid="3">b1</span></div>',
    );
    expect(log).toEqual([
      "setup a",
      "effect a 1",
      "render a",
      "setup b",
      "effect b 1",
      "render b",
      "cleanup b",
      "effect cleanup b",
      "cleanup a",
      "effect cleanup a",
      "done",
    ]);
  });

  test("each component runs in its own owner, nested under its parent component's", () => {
    const owners: Array<Owner | null> = [];
    const Child = () => {
      owners.push(getOwner());
      return null;
    };
    const Parent = () => {
      owners.push(getOwner());
      onCleanup(() => owners.push(null));
      return () => <Child />;
    };
    renderToString(
      <>
        <Parent />
        <Parent />
      </>,
    );
    expect(owners).toHaveLength(6);
    const [p1, c1, p2, c2] = owners;
    expect(new Set([p1, c1, p2, c2]).size).toBe(4);
    expect([p1, c1, p2, c2].every((o) => o?.disposed === true)).toBe(true);
    expect(owners.slice(4)).toEqual([null, null]);
  });

  test("context: provide/useContext reach descendants; onMount does not run in SSR", () => {
    const Theme = createContext("light");
    const log: string[] = [];
    const Leaf = () => {
      const theme = useContext(Theme);
      onMount(() => {
        log.push("mounted");
      });
      return () => <i>{theme}</i>;
    };
    const Passthrough = (p: { children?: VChild }) => <span>{p.children}</span>;
    const Dark = (p: { children?: VChild }) => {
      provide(Theme, "dark");
      return () => <Passthrough>{p.children}</Passthrough>;
    };
    expect(
      renderToString(
        <div>
          <Leaf />
          <Dark>
            <Leaf />
          </Dark>
          <Leaf />
        </div>,
      ),
    ).toBe(
      '<div data-hid="1"><i data-hid="2">light</i><span data-hid="3"><i data-hid="4">dark</i></span><i data-hid="5">light</i></div>',
    );
    expect(log).toEqual([]);
  });

  test("setup and render run untracked: an outer effect does not subscribe", () => {
    const s = signal(1);
    const Reader = () => {
      s();
      return () => <b>{s()}</b>;
    };
    let runs = 0;
    let html = "";
    const stop = effect(() => {
      runs++;
      html = renderToString(<Reader />);
    });
    s.set(2);
    expect(runs).toBe(1);
    expect(html).toBe('<b data-hid="1">1</b>');
    stop();
  });

  test("a throwing component propagates its error and owners are still disposed", () => {
    const log: string[] = [];
    const Ok = () => {
      onCleanup(() => log.push("cleanup ok"));
      return <i />;
    };
    const Boom = () => {
      throw new Error("boom");
    };
    expect(() =>
      renderToString(
        <div>
          <Ok />
          <Boom />
        </div>,
      ),
    ).toThrow("boom");
    expect(log).toEqual(["cleanup ok"]);
  });

  test("async component in renderToString throws async_component_in_sync_render", async () => {
    const log: string[] = [];
    const Async = asyncComponent(async () => {
      onCleanup(() => log.push("cleanup"));
      throw new Error("rejected later");
    });
    expect(
      codeOf(() =>
        renderToString(
          <div>
            <Async />
          </div>,
        ),
      ),
    ).toBe("async_component_in_sync_render");
    // The root owner was disposed, and the rejection is not left unhandled.
    expect(log).toEqual(["cleanup"]);
    await new Promise((r) => setTimeout(r, 5));
  });

  test("hand-built (branded) VNodes render the same as JSX", () => {
    const node: VNode = {
      $$typeof: VNODE,
      kind: VKind.Element,
      tag: "p",
      key: undefined,
      props: { id: "x" },
      children: [{ $$typeof: VNODE, kind: VKind.Text, text: "hi" }],
    };
    expect(renderToString(node)).toBe('<p data-hid="1" id="x">hi</p>');
  });
});
