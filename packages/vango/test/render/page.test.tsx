import { describe, expect, test } from "vitest";
import {
  LIVE_REGION,
  LIVE_STYLE,
  type PageOptions,
  renderPage,
  renderPageToNodeStream,
  renderPageToStream,
} from "../../src/render/page.ts";
import type { RenderError } from "../../src/render/render-error.ts";
import type { Component } from "../../src/vdom/vnode.ts";

/** Async components are not in the JSX component type (sync renders reject them). */
function asyncComponent<P>(fn: (props: P) => Promise<unknown>): Component<P> {
  return fn as unknown as Component<P>;
}

const SHELL_HEAD =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  for (;;) {
    const r = await reader.read();
    if (r.done) return chunks;
    chunks.push(decoder.decode(r.value));
  }
}

describe("renderPage", () => {
  test("minimal page: root container is hid 1, body elements from 2", () => {
    expect(renderPage({ body: <p>hi</p> })).toBe(
      SHELL_HEAD +
        '</head><body><div id="vango-root" data-hid="1"><p data-hid="2">hi</p></div></body></html>',
    );
  });

  test("full shell: title, lang, head content without hids, deferred client script with nonce, bootstrap", () => {
    const html = renderPage({
      title: "Tom & <Jerry>",
      lang: 'fr"x',
      head: (
        <>
          <link rel="stylesheet" href="/app.css" />
          <meta name="description" content={'a "quoted" <desc>'} />
        </>
      ),
      body: (
        <main>
          <h1>x</h1>
        </main>
      ),
      clientSrc: "/_vango/client.js?v=1&x=2",
      nonce: "r4nd0m",
      bootstrap: { session: "abc", n: 1 },
    });
    expect(html).toBe(
      '<!doctype html><html lang="fr&quot;x"><head><meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        "<title>Tom &amp; &lt;Jerry&gt;</title>" +
        '<link rel="stylesheet" href="/app.css"><meta name="description" content="a &quot;quoted&quot; &lt;desc&gt;">' +
        '<script defer src="/_vango/client.js?v=1&amp;x=2" nonce="r4nd0m"></script>' +
        LIVE_STYLE +
        '</head><body><div id="vango-root" data-hid="1"><main data-hid="2"><h1 data-hid="3">x</h1></main></div>' +
        LIVE_REGION +
        '<script type="application/json" id="vango-boot">{"session":"abc","n":1}</script>' +
        "</body></html>",
    );
  });

  test("hidStart moves the root container and the body numbering", () => {
    expect(renderPage({ body: <b />, hidStart: 40 })).toBe(
      SHELL_HEAD +
        '</head><body><div id="vango-root" data-hid="40"><b data-hid="41"></b></div></body></html>',
    );
  });

  test("bootstrap JSON cannot break out of its script element", () => {
    const html = renderPage({
      body: null,
      bootstrap: {
        evil: "</script><script>alert(1)</script>",
        c: "<!--",
        ls: "\u2028\u2029",
        amp: "&",
      },
    });
    const boot = html.slice(html.indexOf('id="vango-boot">') + 16, html.lastIndexOf("</script>"));
    expect(boot).toBe(
      '{"evil":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e","c":"\\u003c!--","ls":"\\u2028\\u2029","amp":"\\u0026"}',
    );
    expect(html.split("</script>")).toHaveLength(2);
    expect(JSON.parse(boot)).toEqual({
      evil: "</script><script>alert(1)</script>",
      c: "<!--",
      ls: "\u2028\u2029",
      amp: "&",
    });
  });

  test("async components throw in the synchronous page renderer", () => {
    const Async = asyncComponent(async () => <p />);
    let code = "";
    try {
      renderPage({ body: <Async /> });
    } catch (e) {
      code = (e as RenderError).code;
    }
    expect(code).toBe("async_component_in_sync_render");
  });
});

describe("renderPageToStream", () => {
  const opts = (body: PageOptions["body"]): PageOptions => ({
    title: "T",
    head: <meta name="x" content="y" />,
    body,
    clientSrc: "/c.js",
    bootstrap: { a: 1 },
  });

  test("same bytes as renderPage", async () => {
    const rows = [];
    for (let i = 0; i < 2000; i++) rows.push(<li class="row">item {i}</li>);
    const o = opts(<ul>{rows}</ul>);
    const chunks = await readAll(renderPageToStream(o));
    expect(chunks.join("")).toBe(renderPage(o));
    expect(chunks.length).toBeGreaterThan(1);
  });

  test("the shell arrives before an async body resolves", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const Slow = asyncComponent(async () => {
      await gate;
      return <p>data</p>;
    });
    const reader = renderPageToStream(opts(<Slow />)).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe(
      SHELL_HEAD +
        '<title>T</title><meta name="x" content="y"><script defer src="/c.js"></script>' +
        LIVE_STYLE +
        '</head><body><div id="vango-root" data-hid="1">',
    );
    release();
    const rest = new TextDecoder().decode((await reader.read()).value);
    expect(rest).toBe(
      `<p data-hid="2">data</p></div>${LIVE_REGION}<script type="application/json" id="vango-boot">{"a":1}</script></body></html>`,
    );
    expect((await reader.read()).done).toBe(true);
  });

  test("Node Readable variant", async () => {
    const o = opts(<p>n</p>);
    let html = "";
    for await (const c of renderPageToNodeStream(o)) html += (c as Buffer).toString("utf8");
    expect(html).toBe(renderPage(o));
  });
});
