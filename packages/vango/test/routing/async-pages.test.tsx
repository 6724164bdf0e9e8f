/**
 * `async` route components: the route types take them (`tsc` checks this file; every
 * `@ts-expect-error` must hit an error), and over HTTP an async page is awaited like
 * any page data — inline when it resolves within `timeouts.pageDataMs`, streamed into
 * the same response when it is slower.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { useRequest } from "../../src/routing/page-info.ts";
import type { LayoutInput, RouteInput, RouteTable } from "../../src/routing/route-table.ts";
import type { AppOptions } from "../../src/server/config/options.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { type Running, start } from "../server/helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves after `?ms=` (0 by default): a page whose setup awaits its data. */
async function Wait(props: { params: Record<string, never> }): Promise<() => VChild> {
  // Context is read before the first await: after it, setup is no longer inside the page.
  const ms = Number(useRequest().query.get("ms") ?? 0);
  await sleep(ms);
  return () => (
    <p data-testid="waited">
      waited {ms} ms {Object.keys(props.params).length}
    </p>
  );
}

async function Item(props: { params: { id: number } }) {
  await sleep(0);
  return <h1>Item {props.params.id}</h1>;
}

async function AsyncShell(props: { children?: VChild }) {
  await sleep(0);
  return () => <div class="shell">{props.children}</div>;
}

describe("route types", () => {
  it("take async pages, layouts and error pages in every spelling", () => {
    const routes = {
      "/": Wait,
      "/items/:id": { default: Item, params: { id: Number } },
      "/other": { component: Wait, title: "Other" },
      "/_layout": AsyncShell,
      "/admin/_layout": { default: AsyncShell },
      "/_error": async (p: { params: { code: string } }) => <h1>{p.params.code}</h1>,
    } satisfies RouteTable;
    expectTypeOf(AsyncShell).toExtend<LayoutInput>();
    expectTypeOf(Item).toExtend<RouteInput>();
    expectTypeOf(routes).toExtend<AppOptions["routes"]>();
    expect(Object.keys(routes)).toHaveLength(6);
  });

  it("still refuse what is not a component", () => {
    // @ts-expect-error a promise is not a component
    const promise: RouteInput = Promise.resolve(<p />);
    // @ts-expect-error an async function must resolve to a node or a render function
    const date: RouteInput = async () => new Date();
    // @ts-expect-error a layout module needs its component as `default`
    const layout: LayoutInput = { component: AsyncShell };
    expect([promise, date, layout]).toHaveLength(3);
  });
});

interface Chunk {
  readonly at: number;
  readonly text: string;
}

/** GETs `url`, recording each chunk with its time since the request. */
function chunks(url: string): Promise<{ headers: Record<string, unknown>; chunks: Chunk[] }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { headers: { accept: "text/html" } }, (res) => {
      const out: Chunk[] = [];
      res.setEncoding("utf8");
      res.on("data", (text: string) => out.push({ at: performance.now() - t0, text }));
      res.on("end", () => resolve({ headers: res.headers, chunks: out }));
    });
    req.on("error", reject);
    req.end();
  });
}

const routes = {
  "/_layout": AsyncShell,
  "/": Wait,
  "/items/:id": { default: Item, params: { id: Number } },
} satisfies RouteTable;

let srv: Running;
let patient: Running;
beforeAll(async () => {
  srv = await start({ devMode: true, routes });
  // A page wait of 1 s: a 300 ms page is answered whole.
  patient = await start({ devMode: true, routes, timeouts: { pageDataMs: 1_000 } });
});
afterAll(async () => {
  await srv.close();
  await patient.close();
});

describe("async pages over HTTP", () => {
  it("are inline in the HTML when they resolve within the page's wait", async () => {
    const res = await fetch(`${srv.base}/items/7`, { headers: { accept: "text/html" } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(html)));
    expect(html).toMatch(
      /<div data-hid="\d+" class="shell"><h1 data-hid="\d+">Item 7<\/h1><\/div>/,
    );
    expect(html).not.toContain("<template");
    const fast = await (await fetch(`${srv.base}/?ms=5`)).text();
    expect(fast).toMatch(/<p[^>]*data-testid="waited">waited 5 ms 0<\/p>/);
  });

  it("stream into the same response when they are slower than the page's wait", async () => {
    // A page that takes 800 ms, so that "before the page resolved" has room on a busy machine.
    const { headers, chunks: got } = await chunks(`${srv.base}/?ms=800`);
    expect(headers["transfer-encoding"]).toBe("chunked");
    expect(headers["content-length"]).toBeUndefined();
    const body = got.map((c) => c.text).join("");
    const at = got.findIndex((c) => c.text.includes("waited 800 ms"));
    expect(at).toBeGreaterThan(0);
    // The document went out before the page resolved; the page after it did.
    expect(got[0]!.at).toBeLessThan(600);
    expect(got[0]!.text).not.toContain("waited");
    expect(got[at]!.at).toBeGreaterThanOrEqual(795);
    expect(body).toMatch(
      /<template id="vango-s1">.*data-testid="waited">waited 800 ms 0<\/p>.*<\/template><script nonce="[^"]+">.*\$vangoSwap\(1,/,
    );
    expect(body.indexOf("vango-boot")).toBeGreaterThan(body.indexOf("$vangoSwap(1,"));
  });

  it("are inline up to a longer pageDataMs", async () => {
    const t0 = performance.now();
    const res = await fetch(`${patient.base}/?ms=300`);
    const html = await res.text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(html)));
    expect(html).toMatch(/data-testid="waited">waited 300 ms 0<\/p>/);
    expect(html).not.toContain("<template");
  });
});
