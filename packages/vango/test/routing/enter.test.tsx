/**
 * `_middleware` `enter` checks (run before a page of the subtree mounts: on the page
 * request and on every live navigation into it), `requestLocals` carried from HTTP
 * middleware into the page's request, and `redirectDocument()` (a page load in a live
 * session, a 3xx over HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PatchOp } from "../../src/protocol/constants.ts";
import type { ActionContext } from "../../src/routing/actions.ts";
import { notFound, redirect, redirectDocument } from "../../src/routing/control.ts";
import type { PageInfo, RequestInfo } from "../../src/routing/page-info.ts";
import type { RouteTable } from "../../src/routing/route-table.ts";
import { requestLocals } from "../../src/server/core/request-locals.ts";
import { mountPage } from "../../src/testing/mount-test.ts";
import { getPage, type Running, start } from "../server/helpers.ts";

const ROLE = Symbol("role");
let allowed = true;
const entered: string[] = [];

function enterAdmin(page: PageInfo, request: RequestInfo): void {
  entered.push(page.url.pathname + page.url.search);
  const role = request.locals.get(ROLE) ?? (allowed ? "admin" : undefined);
  if (role === "guest") notFound();
  if (role !== "admin") redirect(`/login?next=${encodeURIComponent(page.url.pathname)}`);
}

const routes: RouteTable = {
  "/": () => <h1>Home</h1>,
  "/login": () => <h1>Login</h1>,
  "/admin/_middleware": { enter: enterAdmin },
  "/admin": () => <h1>Admin</h1>,
  "/admin/users": () => <h1>Users</h1>,
  "/_404": () => <h1>Nothing here</h1>,
  "/reload": {
    default: () => (
      <form method="post">
        <button type="submit">go</button>
      </form>
    ),
    action: (ctx: ActionContext) => {
      redirectDocument(`/done?role=${String(ctx.request.locals.get(ROLE))}`, 303);
    },
  },
  "/away": () => (
    <button type="button" onClick={() => redirectDocument("/elsewhere?x=1")}>
      away
    </button>
  ),
};

describe("enter checks in a live session", () => {
  it("refuse a live navigation into the subtree with a redirect or the not-found page", async () => {
    allowed = false;
    entered.length = 0;
    const t = mountPage(routes, "/");
    const patches = await t.navigate("/admin/users");
    expect(t.url()).toBe("/login?next=%2Fadmin%2Fusers");
    expect(t.html()).toContain("Login");
    expect(t.html()).not.toContain("Users");
    // The refused page never showed: its URL is replaced, not pushed.
    expect(patches.filter((p) => p.op === PatchOp.PushUrl || p.op === PatchOp.ReplaceUrl)).toEqual([
      { op: PatchOp.ReplaceUrl, url: "/login?next=%2Fadmin%2Fusers" },
    ]);
    allowed = true;
    await t.navigate("/admin");
    expect(t.html()).toContain("Admin");
    // The same page with another query is the same instance: it was entered already.
    await t.navigate("/admin?tab=2");
    expect(entered).toEqual(["/admin/users", "/admin"]);
    expect(t.errors()).toEqual([]);
    t.dispose();
  });

  it("run when the session opens on a page of the subtree", () => {
    allowed = false;
    expect(() => mountPage(routes, "/admin")).toThrow(/redirected to \/login\?next=%2Fadmin/);
    allowed = true;
    const t = mountPage(routes, "/admin");
    expect(t.html()).toContain("Admin");
    t.dispose();
  });

  it("redirectDocument() from a live action or handler loads a page instead of navigating", async () => {
    const t = mountPage(routes, "/reload");
    const sent = await t.submit("form", {});
    expect(sent.filter((p) => p.op === PatchOp.Navigate)).toEqual([
      { op: PatchOp.Navigate, url: "/done?role=undefined", replace: false },
    ]);
    const u = mountPage(routes, "/away");
    const out = await u.click("button");
    expect(out.filter((p) => p.op === PatchOp.Navigate)).toEqual([
      { op: PatchOp.Navigate, url: "/elsewhere?x=1", replace: true },
    ]);
    expect([t.errors(), u.errors()]).toEqual([[], []]);
    t.dispose();
    u.dispose();
  });
});

describe("enter checks and locals over HTTP", () => {
  let srv: Running;
  beforeAll(async () => {
    srv = await start({
      devMode: true,
      routes,
      httpMiddleware: [
        async (ctx, next) => {
          const role = ctx.req.headers["x-role"];
          if (typeof role === "string") requestLocals(ctx.req).set(ROLE, role);
          await next();
        },
      ],
    });
  });
  afterAll(() => srv.close());

  it("a page request is refused with a 3xx or the not-found page, by what middleware learned", async () => {
    const anon = await fetch(`${srv.base}/admin/users`, {
      redirect: "manual",
      headers: { "x-role": "none" },
    });
    expect([anon.status, anon.headers.get("location")]).toEqual([
      302,
      "/login?next=%2Fadmin%2Fusers",
    ]);
    const guest = await fetch(`${srv.base}/admin`, {
      headers: { "x-role": "guest", accept: "text/html" },
    });
    expect([guest.status, await guest.text()]).toEqual([
      404,
      expect.stringContaining("Nothing here"),
    ]);
    const admin = await fetch(`${srv.base}/admin`, { headers: { "x-role": "admin" } });
    expect([admin.status, await admin.text()]).toEqual([200, expect.stringContaining("Admin")]);
  });

  it("redirectDocument() after a JS-off POST is the 303 it names; the action saw the locals", async () => {
    const p = await getPage(srv.base, "/reload");
    const res = await fetch(`${srv.base}/reload`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: p.cookie,
        "content-type": "application/x-www-form-urlencoded",
        "x-role": "admin",
      },
      body: new URLSearchParams({ _csrf: p.csrf }).toString(),
    });
    expect([res.status, res.headers.get("location")]).toEqual([303, "/done?role=admin"]);
  });
});
