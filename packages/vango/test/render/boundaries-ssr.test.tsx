/**
 * `<Async>` and `<ErrorBoundary>` in `renderToString` and the streaming renderer: the
 * HTML, the hids (a rewound region gives its hids back), owners of abandoned children
 * disposed, nothing of a failed region leaking into a streamed chunk.
 */
import { describe, expect, test } from "vitest";
import { resource } from "../../src/data/resource.ts";
import { onCleanup } from "../../src/reactive/index.ts";
import { Async, ErrorBoundary } from "../../src/render/boundaries.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { renderToStream } from "../../src/render/stream.ts";
import type { Component, VChild } from "../../src/vdom/vnode.ts";
import { controlledFetcher, deferred, tick } from "../data/helpers.ts";
import { asyncComponent, codeOf } from "./ssr-helpers.ts";

const decoder = new TextDecoder();

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const reader = stream.getReader();
  const chunks: string[] = [];
  for (;;) {
    const r = await reader.read();
    if (r.done) return chunks;
    chunks.push(decoder.decode(r.value));
  }
}

describe("<Async> in renderToString", () => {
  test("renders the fallback, with the hids the children would have started at, and aborts their fetch", () => {
    const f = controlledFetcher<string>();
    const log: string[] = [];
    function Title() {
      const t = resource(f.fetcher);
      onCleanup(() => log.push("cleanup"));
      return () => <h1>{t.value()}</h1>;
    }
    const html = renderToString(
      <main>
        <Async fallback={<p class="skeleton">Loading</p>}>
          <header>
            <Title />
          </header>
        </Async>
        <footer />
      </main>,
    );
    expect(html).toBe(
      '<main data-hid="1"><p data-hid="2" class="skeleton">Loading</p><footer data-hid="3"></footer></main>',
    );
    expect(log).toEqual(["cleanup"]);
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });

  test("renders the children when everything is ready (a sync fetcher, an initial value)", () => {
    function Page() {
      const a = resource(() => "sync");
      const b = resource(() => new Promise<string>(() => {}), {
        initial: "initial",
        staleTime: 1000,
      });
      return () => (
        <Async fallback="…">
          {() => (
            <p>
              {a.value()} {b.value()}
            </p>
          )}
        </Async>
      );
    }
    expect(renderToString(<Page />)).toBe('<p data-hid="1">sync initial</p>');
  });

  test("an async component inside <Async> gives the fallback; outside any, it still throws", () => {
    const Slow = asyncComponent(async () => <b>late</b>);
    expect(
      renderToString(
        <Async fallback={<i>wait</i>}>
          <Slow />
        </Async>,
      ),
    ).toBe('<i data-hid="1">wait</i>');
    expect(codeOf(() => renderToString(<Slow />))).toBe("async_component_in_sync_render");
  });

  test("a suspended component outside any <Async> renders nothing", () => {
    function Page() {
      const r = resource(() => new Promise<string>(() => {}));
      return () => <p>{r.value()}</p>;
    }
    expect(
      renderToString(
        <div>
          <Page />
          <span />
        </div>,
      ),
    ).toBe('<div data-hid="1"><span data-hid="2"></span></div>');
  });

  test("a setup reading its own resource is refused with resource_read_in_setup", () => {
    function Bad() {
      const r = resource(() => new Promise<string>(() => {}));
      return <p>{r.value()}</p>;
    }
    expect(codeOf(() => renderToString(<Bad />))).toBe("resource_read_in_setup");
  });
});

describe("<ErrorBoundary> in renderToString", () => {
  test("rewinds what the children wrote (text, hids) and renders the fallback with the error as thrown", () => {
    const log: string[] = [];
    const seen: unknown[] = [];
    function Ok() {
      onCleanup(() => log.push("ok cleanup"));
      return <em>fine</em>;
    }
    function Broken(): VChild {
      throw new RangeError("out of range");
    }
    const html = renderToString(
      <div>
        <ErrorBoundary fallback={(e) => <p>{(e as Error).name}</p>} onError={(e) => seen.push(e)}>
          <section>
            <Ok />
            <Broken />
          </section>
        </ErrorBoundary>
        <span />
      </div>,
    );
    expect(html).toBe(
      '<div data-hid="1"><p data-hid="2">RangeError</p><span data-hid="3"></span></div>',
    );
    expect(log).toEqual(["ok cleanup"]);
    expect(seen[0]).toBeInstanceOf(RangeError);
  });

  test("a resource error reaches the boundary; a fallback's own error fails the render", () => {
    function Page() {
      const r = resource((): string => {
        throw new Error("down");
      });
      return () => (
        <ErrorBoundary fallback={(e) => <p>{(e as { code: string }).code}</p>}>
          {() => r.value()}
        </ErrorBoundary>
      );
    }
    expect(renderToString(<Page />)).toBe('<p data-hid="1">resource_failed</p>');
    expect(() =>
      renderToString(
        <ErrorBoundary
          fallback={() => {
            throw new Error("fallback");
          }}
        >
          {() => {
            throw new Error("child");
          }}
        </ErrorBoundary>,
      ),
    ).toThrow("fallback");
  });

  test("context provided above stays visible inside both regions", async () => {
    const { createContext, provide, useContext } = await import("../../src/render/context.ts");
    const Lang = createContext("en");
    const Show = () => <b>{useContext(Lang)}</b>;
    const Provider = (p: { children?: VChild }) => {
      provide(Lang, "fr");
      return () => p.children;
    };
    expect(
      renderToString(
        <Provider>
          <ErrorBoundary fallback={() => <Show />}>
            {() => {
              throw new Error("x");
            }}
          </ErrorBoundary>
          <Async fallback="…">
            <Show />
          </Async>
        </Provider>,
      ),
    ).toBe('<b data-hid="1">fr</b><b data-hid="2">fr</b>');
  });
});

describe("boundaries in the streaming renderer", () => {
  test("<Async> waits for the data in place; what precedes it is flushed first", async () => {
    const d = deferred<string>();
    function Page() {
      const r = resource(() => d.promise);
      return () => (
        <main>
          <h1>head</h1>
          <Async fallback={<p>never shown</p>}>{() => <p>{r.value()}</p>}</Async>
        </main>
      );
    }
    const reading = readAll(renderToStream(<Page />));
    await tick();
    d.resolve("body");
    const chunks = await reading;
    expect(chunks[0]).toBe('<main data-hid="1"><h1 data-hid="2">head</h1>');
    expect(chunks.join("")).toBe(
      '<main data-hid="1"><h1 data-hid="2">head</h1><p data-hid="3">body</p></main>',
    );
  });

  test("a render that suspends again (a key read in render) is retried until ready", async () => {
    let n = 0;
    const replies = [deferred<number>(), deferred<number>()];
    function Twice(props: { first: { value(): number }; second: { value(): number } }) {
      return () => (
        <p>
          {props.first.value()}+{props.second.value()}
        </p>
      );
    }
    function Page() {
      const a = resource(() => replies[n++]!.promise);
      const b = resource(() => replies[n++]!.promise);
      return () => <Twice first={a} second={b} />;
    }
    const reading = readAll(renderToStream(<Page />));
    await tick();
    replies[0]!.resolve(1);
    await tick();
    replies[1]!.resolve(2);
    expect((await reading).join("")).toBe('<p data-hid="1">1+2</p>');
  });

  test("<ErrorBoundary> holds its children back: a late failure leaves no trace in any chunk", async () => {
    const Fails: Component = asyncComponent(async () => {
      await tick();
      throw new Error("late failure");
    });
    const big = "x".repeat(200);
    const chunks = await readAll(
      renderToStream(
        <div>
          <ErrorBoundary fallback={(e) => <p>{(e as Error).message}</p>}>
            <section>{big}</section>
            <Fails />
          </ErrorBoundary>
        </div>,
        { chunkSize: 64 },
      ),
    );
    const html = chunks.join("");
    expect(html).toBe('<div data-hid="1"><p data-hid="2">late failure</p></div>');
    expect(html).not.toContain("xxx");
  });

  test("a successful boundary streams its children and continues chunking after them", async () => {
    const Late = asyncComponent(async () => {
      await tick();
      return <b>late</b>;
    });
    const chunks = await readAll(
      renderToStream(
        <div>
          <ErrorBoundary fallback={() => "failed"}>
            <Late />
          </ErrorBoundary>
          <i>{"y".repeat(100)}</i>
        </div>,
        { chunkSize: 32 },
      ),
    );
    expect(chunks.join("")).toBe(
      `<div data-hid="1"><b data-hid="2">late</b><i data-hid="3">${"y".repeat(100)}</i></div>`,
    );
    expect(chunks.length).toBeGreaterThan(1);
  });
});
