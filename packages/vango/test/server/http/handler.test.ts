import { afterEach, describe, expect, it } from "vitest";
import { Counter, User } from "../fixtures.tsx";
import { getPage, type Running, start, until } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("HTTP handler", () => {
  it("server-renders a route with hids, the deferred client script and the boot JSON", async () => {
    srv = await start({ routes: { "/": { component: Counter, title: "Counter" } } });
    const p = await getPage(srv.base, "/");
    expect(p.status).toBe(200);
    expect(p.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(p.headers.get("cache-control")).toBe("no-store");
    expect(p.html).toContain("<title>Counter</title>");
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(p.headers.get("content-security-policy")!)![1];
    expect(p.html).toContain(
      `<script defer src="/_vango/client.0123abcd.js" nonce="${nonce}"></script>`,
    );
    expect(p.html).toContain(
      '<div id="vango-root" data-hid="1"><div data-hid="2"><h1 data-hid="3">Count: 0</h1><button data-hid="4" type="button" data-on="click">+</button></div></div>',
    );
    const boot = /<script type="application\/json" id="vango-boot">(.*?)<\/script>/.exec(p.html);
    expect(JSON.parse(boot![1]!)).toEqual({ v: 1, ws: "/_vango/ws", token: p.token, csrf: p.csrf });
    // A signed resume token: key, page path, MAC (any instance with the secret can check it).
    expect(p.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 1,
      attached: 0,
      detached: 0,
      parked: 0,
    });
  });

  it("sets an HttpOnly, Secure, SameSite=Lax __Host- session cookie once", async () => {
    srv = await start({ routes: { "/": Counter } });
    const res = await fetch(srv.base + "/");
    const [set, csrf] = res.headers.getSetCookie();
    expect(set).toMatch(
      /^__Host-vango_sid=[A-Za-z0-9_-]{24}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(csrf).toMatch(/^__Host-vango_csrf=[A-Za-z0-9_-]{43}; Path=\/; Secure; SameSite=Lax$/);
    const cookie = `${set!.split(";")[0]}; ${csrf!.split(";")[0]}`;
    const again = await fetch(srv.base + "/", { headers: { cookie } });
    expect(again.headers.get("set-cookie")).toBeNull();
    const bogus = await fetch(srv.base + "/", { headers: { cookie: "__Host-vango_sid=short" } });
    expect(bogus.headers.get("set-cookie")).toMatch(/^__Host-vango_sid=/);
  });

  it("omits Secure and the __Host- prefix in devMode over plain http", async () => {
    srv = await start({ routes: { "/": Counter }, devMode: true });
    const res = await fetch(srv.base + "/");
    expect(res.headers.getSetCookie()[0]).toMatch(
      /^vango_sid=\S+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
  });

  it("passes route params as props.params", async () => {
    srv = await start({ routes: { "/users/:id": User } });
    const p = await getPage(srv.base, "/users/42?x=1");
    expect(p.html).toContain('<p data-hid="2">user 42</p>');
  });

  it("answers unknown paths 404 and other methods 405 with registry codes", async () => {
    srv = await start({ routes: { "/": Counter } });
    const nf = await fetch(srv.base + "/nope");
    expect(nf.status).toBe(404);
    expect(nf.headers.get("x-vango-error")).toBe("not_found");
    const page = await getPage(srv.base, "/");
    const headers = { cookie: page.cookie, "x-csrf-token": page.csrf };
    const post = await fetch(srv.base + "/", { method: "POST", headers });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(post.headers.get("x-vango-error")).toBe("method_not_allowed");
    const head = await fetch(srv.base + "/", { method: "HEAD" });
    expect([head.status, head.headers.get("content-type")]).toEqual([
      200,
      "text/html; charset=utf-8",
    ]);
    expect(srv.app.sessions.counts().total).toBe(1);
  });

  it("serves the client bundle immutable with an ETag and 304 revalidation", async () => {
    srv = await start({ routes: { "/": Counter } });
    const res = await fetch(srv.base + "/_vango/client.0123abcd.js");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("/* vango client */");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe('"0123abcd"');
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const cached = await fetch(srv.base + "/_vango/client.0123abcd.js", {
      headers: { "if-none-match": '"0123abcd"' },
    });
    expect(cached.status).toBe(304);
    expect((await fetch(srv.base + "/_vango/client.ffff.js")).status).toBe(404);
  });

  it("refuses new pages beyond maxSessions with 503 too_many_connections", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxSessions: 1 } });
    expect((await fetch(srv.base + "/")).status).toBe(200);
    const res = await fetch(srv.base + "/");
    expect(res.status).toBe(503);
    expect(res.headers.get("x-vango-error")).toBe("too_many_connections");
  });

  it("disposes pending sessions after pendingTtlMs", async () => {
    // Long enough that the session is still pending when the test looks, after a stall.
    srv = await start({ routes: { "/": Counter }, timeouts: { pendingTtlMs: 400 } });
    await getPage(srv.base);
    expect(srv.app.sessions.counts().pending).toBe(1);
    const r = srv;
    await until(() => r.app.sessions.counts().total === 0, 5_000, "the pending session disposed");
    expect(srv.app.sessions.counts()).toEqual({
      total: 0,
      pending: 0,
      attached: 0,
      detached: 0,
      parked: 0,
    });
  });

  it("runs HTTP middleware around every request with the matched route pattern", async () => {
    const seen: unknown[] = [];
    srv = await start({
      routes: { "/users/:id": User },
      httpMiddleware: [
        async (ctx, next) => {
          ctx.res.setHeader("x-mw", "1");
          await next();
          seen.push([ctx.path, ctx.route, ctx.res.statusCode]);
        },
      ],
    });
    const res = await fetch(srv.base + "/users/7");
    expect(res.headers.get("x-mw")).toBe("1");
    await fetch(srv.base + "/missing");
    srv.app.useHttp(async (ctx, next) => {
      if (ctx.path === "/blocked") {
        ctx.res.statusCode = 451;
        ctx.res.end();
        return;
      }
      await next();
    });
    expect((await fetch(srv.base + "/blocked")).status).toBe(451);
    expect(seen).toEqual([
      ["/users/7", "/users/:id", 200],
      ["/missing", undefined, 404],
      ["/blocked", undefined, 451],
    ]);
  });
});
