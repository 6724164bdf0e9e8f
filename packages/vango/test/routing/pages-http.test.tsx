/**
 * Pages over HTTP, as a browser without JavaScript sees them: titles and statuses,
 * `redirect()` as a 3xx, not-found pages inside their layouts, request facts in
 * components, and forms posting to a page's action (post-redirect-get, 422 with errors).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActionContext, invalid } from "../../src/routing/actions.ts";
import { notFound, redirect } from "../../src/routing/control.ts";
import { status, useActionData, useRequest } from "../../src/routing/page-info.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { getPage, type Running, start } from "../server/helpers.ts";

const HTML = { accept: "text/html" };

function Shell(props: { children?: VChild }) {
  return () => (
    <div>
      <nav>shell</nav>
      {props.children}
    </div>
  );
}

const todos: string[] = [];

function Todos() {
  const failed = useActionData<{ error: string; title: string }>();
  return () => (
    <div>
      <ul>
        {todos.map((t) => (
          <li key={t}>{t}</li>
        ))}
      </ul>
      <form method="post">
        <input name="title" value={failed()?.title ?? ""} />
        <p class="error">{failed()?.error ?? ""}</p>
      </form>
    </div>
  );
}

async function action({ form }: ActionContext) {
  const title = form.get("title")?.trim() ?? "";
  if (title === "") return invalid({ error: "Required", title });
  if (title === "home") redirect("/");
  todos.push(title);
}

function Who() {
  const req = useRequest();
  return () => (
    <p>
      q={req.query.get("q")} lang={String(req.headers["accept-language"])} pref=
      {req.cookies.get("pref")} sid={String(req.cookies.has("vango_sid"))}
    </p>
  );
}

/** A parser that throws for anything but digits (a stack must not reach the answer). */
function strictId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new Error(`parser exploded on ${raw}`);
  return Number(raw);
}

let srv: Running;
beforeAll(async () => {
  srv = await start({
    devMode: true,
    routes: {
      "/_layout": Shell,
      "/": () => <h1>Home</h1>,
      "/items/:id": {
        default: (p: { params: { id: number } }) => <h1>Item {p.params.id}</h1>,
        params: { id: Number },
        title: ({ params }) => `Item ${String(params.id)}`,
        head: ({ url }) => <link rel="canonical" href={url.pathname} />,
      },
      "/old": () => redirect("/items/2", 301),
      "/missing": (): VChild => notFound(),
      "/gone": () => {
        status(410);
        return <p>gone</p>;
      },
      "/todos": { default: Todos, action },
      "/who": Who,
      "/strict/:id": {
        default: (p: { params: { id: number } }) => <h1>Strict {p.params.id}</h1>,
        params: { id: strictId },
      },
      "/_404": () => <h1>Nothing here</h1>,
    },
  });
});
afterAll(() => srv.close());

describe("pages over HTTP", () => {
  it("title, head and status come from the page", async () => {
    const res = await fetch(`${srv.base}/items/4`, { headers: HTML });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("<title>Item 4</title>");
    expect(html).toContain('<link rel="canonical" href="/items/4">');
    expect(html).toMatch(/<nav[^>]*>shell<\/nav>/);
    expect((await fetch(`${srv.base}/gone`)).status).toBe(410);
  });

  it("redirect() during setup is a 3xx; notFound() and unknown paths the 404 page", async () => {
    const r = await fetch(`${srv.base}/old`, { redirect: "manual" });
    expect([r.status, r.headers.get("location")]).toEqual([301, "/items/2"]);
    for (const path of ["/missing", "/no/such/page", "/items/abc"]) {
      const res = await fetch(srv.base + path, { headers: HTML });
      const html = await res.text();
      expect([path, res.status, res.headers.get("x-vango-error")]).toEqual([
        path,
        404,
        "not_found",
      ]);
      expect(html).toMatch(/Nothing here/);
      expect(html).toMatch(/shell/);
    }
    const json = await fetch(`${srv.base}/no/such/page`);
    expect([json.status, json.headers.get("content-type")]).toEqual([
      404,
      "application/json; charset=utf-8",
    ]);
  });

  it("malformed and over-long paths are coded refusals", async () => {
    for (const path of ["/items/%E0%A4%A", "/%ZZ", "/items/%"]) {
      const bad = await fetch(srv.base + path, { headers: HTML });
      expect([path, bad.status, bad.headers.get("x-vango-error")]).toEqual([
        path,
        400,
        "bad_request",
      ]);
    }
    const long = await fetch(`${srv.base}/${"x".repeat(3000)}`);
    expect([long.status, long.headers.get("x-vango-error")]).toEqual([414, "uri_too_long"]);
    const deep = await fetch(`${srv.base}/${"a/".repeat(70)}`);
    expect([deep.status, deep.headers.get("x-vango-error")]).toEqual([414, "uri_too_long"]);
  });

  it("a param parser that throws is a 404 page, never a 500 or a stack", async () => {
    for (const path of ["/strict/abc", "/strict/boom", "/strict/%F0%9F%92%A5"]) {
      const res = await fetch(srv.base + path, { headers: HTML });
      const html = await res.text();
      expect([path, res.status, res.headers.get("x-vango-error")]).toEqual([
        path,
        404,
        "not_found",
      ]);
      expect(html).toMatch(/Nothing here/);
      expect(html).not.toMatch(/parser exploded|at strictId|\.tsx?:\d+/);
    }
    const ok = await fetch(`${srv.base}/strict/12`, { headers: HTML });
    expect([ok.status, await ok.text()]).toEqual([200, expect.stringContaining("Strict 12")]);
  });

  it("components read the query, headers and the app's cookies (never Vango's own)", async () => {
    const p = await getPage(srv.base, "/who");
    const res = await fetch(`${srv.base}/who?q=hi`, {
      headers: { "accept-language": "fi", cookie: `${p.cookie}; pref=dark` },
    });
    expect(await res.text()).toMatch(/q=hi lang=fi pref=dark sid=false/);
  });

  it("a POST form works without JavaScript: 422 with errors, then post-redirect-get", async () => {
    todos.length = 0;
    const p = await getPage(srv.base, "/todos");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(p.html)?.[1];
    expect(csrf).toBe(p.csrf);
    const post = (title: string) =>
      fetch(`${srv.base}/todos`, {
        method: "POST",
        redirect: "manual",
        headers: { ...HTML, cookie: p.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf!, title }).toString(),
      });
    const bad = await post("  ");
    const badHtml = await bad.text();
    expect(bad.status).toBe(422);
    expect(badHtml).toMatch(/class="error">Required</);
    const ok = await post("milk");
    expect([ok.status, ok.headers.get("location")]).toEqual([303, "/todos"]);
    expect((await getPage(srv.base, "/todos", p.cookie)).html).toMatch(/<li[^>]*>milk<\/li>/);
    const away = await post("home");
    expect([away.status, away.headers.get("location")]).toEqual([303, "/"]);
  });

  it("a POST to a page without an action is 405 (after the CSRF check)", async () => {
    const p = await getPage(srv.base, "/items/1");
    const res = await fetch(`${srv.base}/items/1`, {
      method: "POST",
      headers: { cookie: p.cookie, "x-csrf-token": p.csrf },
    });
    expect([res.status, res.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });
});

describe("route middleware", () => {
  it("a subtree's _middleware runs around its pages' requests and events, not others'", async () => {
    const seen: string[] = [];
    const mw = await start({
      routes: {
        "/": () => <p>open</p>,
        "/admin": () => <p>admin</p>,
        "/admin/_middleware": {
          http: async (ctx, next) => {
            seen.push(`http ${ctx.path}`);
            if (ctx.req.headers["x-let-in"] !== "yes") {
              ctx.res.writeHead(302, { location: "/" }).end();
              return;
            }
            await next();
          },
        },
      },
    });
    try {
      expect((await fetch(`${mw.base}/`)).status).toBe(200);
      const refused = await fetch(`${mw.base}/admin`, { redirect: "manual" });
      expect([refused.status, refused.headers.get("location")]).toEqual([302, "/"]);
      expect((await fetch(`${mw.base}/admin`, { headers: { "x-let-in": "yes" } })).status).toBe(
        200,
      );
      expect(seen).toEqual(["http /admin", "http /admin"]);
    } finally {
      await mw.close();
    }
  });
});

describe("error pages", () => {
  it("a page that throws renders the nearest _error page in its layouts with 500", async () => {
    const err = await start({
      routes: {
        "/_layout": Shell,
        "/_error": (p: { params: { code: string } }) => <h1>Sorry ({p.params.code})</h1>,
        "/broken": (): VChild => {
          throw new Error("secret detail");
        },
      },
    });
    try {
      const res = await fetch(`${err.base}/broken`, { headers: HTML });
      const html = await res.text();
      expect(res.status).toBe(500);
      expect(html).toMatch(/Sorry \(render_error\)/);
      expect(html).toMatch(/shell/);
      expect(html).not.toContain("secret detail");
    } finally {
      await err.close();
    }
  });
});
