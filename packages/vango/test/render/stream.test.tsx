import { describe, expect, test } from "vitest";
import { onCleanup, signal } from "../../src/reactive/index.ts";
import { createContext, provide, useContext } from "../../src/render/context.ts";
import { RenderError } from "../../src/render/render-error.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { renderToNodeStream, renderToStream } from "../../src/render/stream.ts";
import { raw, trustedHtml } from "../../src/vdom/trusted-html.ts";
import type { Component, VChild } from "../../src/vdom/vnode.ts";

/** Async components are not in the JSX component type (sync renders reject them). */
function asyncComponent<P>(fn: (props: P) => Promise<unknown>): Component<P> {
  return fn as unknown as Component<P>;
}

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

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function Row(p: { i: number }) {
  const n = signal(p.i * 2);
  return () => (
    <tr class={{ row: true, odd: p.i % 2 === 1 }} data-i={p.i}>
      <td>{p.i}</td>
      <td title={`<${p.i}>`}>
        {"x & y "}
        {n()}
      </td>
      <td>
        <button type="button" onClick={() => {}}>
          go ü😀
        </button>
      </td>
    </tr>
  );
}

function Table(p: { rows: number }): VChild {
  const rows: VChild[] = [];
  for (let i = 0; i < p.rows; i++) rows.push(<Row i={i} />);
  return (
    <table>
      <tbody>{rows}</tbody>
    </table>
  );
}

describe("renderToStream", () => {
  test("output is identical to renderToString and a big page arrives in several chunks", async () => {
    const view = <Table rows={600} />;
    const expected = renderToString(view, { hidStart: 5 });
    expect(expected.length).toBeGreaterThan(3 * 16 * 1024);
    const chunks = await readAll(renderToStream(view, { hidStart: 5 }));
    expect(chunks.join("")).toBe(expected);
    expect(chunks.length).toBeGreaterThan(1);
    // Chunks are cut at node boundaries once the buffer reaches the threshold.
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(16 * 1024);
  });

  test("a small page is one chunk", async () => {
    expect(await readAll(renderToStream(<p>hi</p>))).toEqual(['<p data-hid="1">hi</p>']);
  });

  test("async components are awaited in place; what precedes them is flushed first", async () => {
    const gate = deferred<void>();
    const Slow = asyncComponent(async (p: { label: string }) => {
      await gate.promise;
      return <em>{p.label}</em>;
    });
    const view = (
      <main>
        <h1>title</h1>
        <Slow label="late" />
        <footer>end</footer>
      </main>
    );
    const reader = renderToStream(view).getReader();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('<main data-hid="1"><h1 data-hid="2">title</h1>');
    gate.resolve();
    let rest = "";
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += decoder.decode(r.value);
    }
    expect(rest).toBe('<em data-hid="3">late</em><footer data-hid="4">end</footer></main>');
  });

  test("an async component may resolve to a render function; nested async components work", async () => {
    const log: string[] = [];
    const Inner = asyncComponent(async () => {
      await tick();
      onCleanup(() => log.push("inner cleanup"));
      return "inner";
    });
    const Outer = asyncComponent(async () => {
      onCleanup(() => log.push("outer cleanup"));
      await tick();
      return () => (
        <div>
          <Inner />!
        </div>
      );
    });
    const chunks = await readAll(
      renderToStream(
        <>
          <Outer />
          <p>after</p>
        </>,
      ),
    );
    expect(chunks.join("")).toBe('<div data-hid="1">inner!</div><p data-hid="2">after</p>');
    // onCleanup after an await has no owner (JS semantics); the one before it runs.
    expect(log).toEqual(["outer cleanup"]);
  });

  test("context survives an await in an async component", async () => {
    const Lang = createContext("en");
    const Show = () => <b>{useContext(Lang)}</b>;
    const Provider = (p: { children?: VChild }) => {
      provide(Lang, "fr");
      return () => p.children;
    };
    const Late = asyncComponent(async () => {
      await tick();
      return () => <Show />;
    });
    const html = (
      await readAll(
        renderToStream(
          <Provider>
            <Late />
          </Provider>,
        ),
      )
    ).join("");
    expect(html).toBe('<b data-hid="1">fr</b>');
  });

  test("a failing component errors the stream and owners are disposed", async () => {
    const log: string[] = [];
    const Ok = () => {
      onCleanup(() => log.push("cleanup"));
      return <i />;
    };
    const Fails = asyncComponent(async () => {
      await tick();
      throw new Error("db down");
    });
    await expect(
      readAll(
        renderToStream(
          <div>
            <Ok />
            <Fails />
          </div>,
        ),
      ),
    ).rejects.toThrow("db down");
    expect(log).toEqual(["cleanup"]);
  });

  test("render errors keep their codes in the stream", async () => {
    const r = raw(trustedHtml("<b>x</b>"));
    const err = await readAll(renderToStream(<div>{r}x</div>)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).code).toBe("raw_html_not_only_child");
  });

  test("backpressure: rendering pauses while a chunk sits unread", async () => {
    let setups = 0;
    const Item = (p: { i: number }) => {
      setups++;
      return <li>{`item ${p.i}`}</li>;
    };
    const items: VChild[] = [];
    for (let i = 0; i < 200; i++) items.push(<Item i={i} />);
    const stream = renderToStream(<ul>{items}</ul>, { chunkSize: 64 });
    await tick();
    await tick();
    // highWaterMark is one chunk: the walk stopped after (about) two chunks' worth.
    expect(setups).toBeGreaterThan(0);
    expect(setups).toBeLessThan(10);
    const html = (await readAll(stream)).join("");
    expect(setups).toBe(200);
    expect(html).toBe(renderToString(<ul>{items}</ul>));
  });

  test("cancel stops the walk and disposes the owners", async () => {
    let setups = 0;
    let cleanups = 0;
    const Item = () => {
      setups++;
      onCleanup(() => cleanups++);
      return <li>some text to fill the chunk</li>;
    };
    const items: VChild[] = [];
    for (let i = 0; i < 500; i++) items.push(<Item />);
    const reader = renderToStream(<ul>{items}</ul>, { chunkSize: 128 }).getReader();
    await reader.read();
    await reader.cancel();
    await tick();
    expect(setups).toBeLessThan(500);
    expect(cleanups).toBe(setups);
  });
});

describe("renderToNodeStream", () => {
  test("a Node Readable with the same bytes", async () => {
    const view = <Table rows={300} />;
    const parts: Buffer[] = [];
    for await (const chunk of renderToNodeStream(view)) parts.push(chunk as Buffer);
    expect(Buffer.concat(parts).toString("utf8")).toBe(renderToString(view));
    expect(parts.length).toBeGreaterThan(1);
  });
});
