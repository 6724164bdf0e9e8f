import { describe, expect, it } from "vitest";
import { MAX_PATH, MAX_SEGMENTS, type RouteMatch, Router } from "../../src/routing/router.ts";
import type { StandardSchemaV1 } from "../../src/schema/standard-schema.ts";
import { ConfigError } from "../../src/server/core/errors.ts";

const A = () => null;
const B = () => null;
const C = () => null;
const D = () => null;
const E = () => null;

/** A Standard Schema for a positive integer (like `z.coerce.number().int().positive()`). */
const positiveInt: StandardSchemaV1<string, number> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n > 0 ? { value: n } : { issues: [{ message: "not > 0" }] };
    },
  },
};

function page(r: Router, path: string): string | undefined {
  const m = r.match(path);
  return typeof m === "object" ? m.page.pattern : m;
}

function params(r: Router, path: string): Record<string, unknown> | undefined {
  const m = r.match(path);
  return typeof m === "object" ? (m as RouteMatch).params : undefined;
}

describe("Router", () => {
  const r = new Router({
    "/": A,
    "/users/:id": { component: B, title: "User", params: { id: Number } },
    "/users/me": C,
    "/users/[name]/posts": D,
    "/a/:x/b/:y": A,
    "/docs/*slug": E,
    "/docs/intro": A,
    "/orders/:n": { default: B, params: { n: positiveInt } },
    "/files/[...path]": C,
  });

  it("matches exact paths, ignoring trailing and doubled slashes", () => {
    expect(page(r, "/")).toBe("/");
    expect(page(r, "/users/me/")).toBe("/users/me");
    expect(page(r, "//users//me")).toBe("/users/me");
  });

  it("static beats param beats catch-all", () => {
    expect(page(r, "/users/me")).toBe("/users/me");
    expect(page(r, "/users/7")).toBe("/users/:id");
    expect(page(r, "/docs/intro")).toBe("/docs/intro");
    expect(page(r, "/docs/guide/routing")).toBe("/docs/*slug");
    expect(params(r, "/docs/guide/routing")).toEqual({ slug: "guide/routing" });
  });

  it("parses params with Number, a Standard Schema or nothing (decoded strings)", () => {
    expect(params(r, "/users/42")).toEqual({ id: 42 });
    expect(params(r, "/orders/3")).toEqual({ n: 3 });
    expect(params(r, "/users/j%C3%B6/posts")).toEqual({ name: "jö" });
    expect(params(r, "/a/1/b/2")).toEqual({ x: "1", y: "2" });
    expect(params(r, "/files/a%2Fb/c")).toEqual({ path: "a/b/c" });
  });

  it("a refused param does not match: 404, or a less specific route", () => {
    expect(r.match("/users/x")).toBeUndefined();
    expect(r.match("/orders/-1")).toBeUndefined();
    expect(r.match("/orders/1.5")).toBeUndefined();
    const withFallback = new Router({
      "/p/:id": { default: A, params: { id: Number } },
      "/p/*rest": B,
    });
    expect(page(withFallback, "/p/abc")).toBe("/p/*rest");
  });

  it("a throwing parser or an async schema refuses the value, never throws", () => {
    const r2 = new Router({
      "/t/:v": {
        default: A,
        params: {
          v: (s: string) => {
            if (s === "boom") throw new Error("parser failed");
            return s;
          },
        },
      },
      "/s/:v": {
        default: A,
        params: {
          v: { "~standard": { version: 1, vendor: "x", validate: async () => ({ value: 1 }) } },
        },
      },
    });
    expect(r2.match("/t/boom")).toBeUndefined();
    expect(params(r2, "/t/ok")).toEqual({ v: "ok" });
    expect(r2.match("/s/1")).toBeUndefined();
  });

  it("refuses malformed escapes and over-long paths with codes", () => {
    expect(r.match("/users/%E0%A4%A")).toBe("bad_request");
    expect(r.match("/%")).toBe("bad_request");
    expect(r.match(`/${"a".repeat(MAX_PATH)}`)).toBe("uri_too_long");
    expect(r.match("/x".repeat(MAX_SEGMENTS + 1))).toBe("uri_too_long");
  });

  it("returns undefined for unknown paths", () => {
    expect(r.match("/nope")).toBeUndefined();
    expect(r.match("/users")).toBeUndefined();
    expect(r.match("/docs")).toBeUndefined();
  });

  it("rejects malformed keys and entries with config_invalid, naming the route", () => {
    const refused = (routes: Record<string, unknown>): [string, string] | undefined => {
      try {
        new Router(routes as ConstructorParameters<typeof Router>[0]);
      } catch (err) {
        if (err instanceof ConfigError) return [err.code, err.option];
        throw err;
      }
      return undefined;
    };
    expect(refused({ home: A })).toEqual(["config_invalid", 'routes["home"]']);
    expect(refused({ "/x": 5 })).toEqual(["config_invalid", 'routes["/x"]']);
    expect(refused({ "/x": { title: "no component" } })).toEqual([
      "config_invalid",
      'routes["/x"]',
    ]);
    expect(refused({ "/a/*rest/b": A })).toEqual(["config_invalid", 'routes["/a/*rest/b"]']);
    expect(refused({ "/a/:1x": A })).toEqual(["config_invalid", 'routes["/a/:1x"]']);
    expect(refused({ "/a/:id/:id": A })).toEqual(["config_invalid", 'routes["/a/:id/:id"]']);
    expect(refused({ "/a/:id": A, "/a/[slug]": B })).toEqual([
      "config_invalid",
      'routes["/a/[slug]"]',
    ]);
    expect(refused({ "/:id/_layout": A })).toEqual(["config_invalid", 'routes["/:id/_layout"]']);
    expect(refused({ "/_middleware": {} })).toEqual(["config_invalid", 'routes["/_middleware"]']);
    expect(refused({ "/": A })).toBeUndefined();
  });
});

describe("RouteTree", () => {
  const Root = () => null;
  const Admin = () => null;
  const NF = () => null;
  const AdminNF = () => null;
  const Err = () => null;
  const http = async (_: unknown, next: () => Promise<void>) => next();
  const r = new Router({
    "/": A,
    "/_layout": Root,
    "/_404": NF,
    "/_error": Err,
    "/admin": B,
    "/admin/_layout": { default: Admin },
    "/admin/_404": AdminNF,
    "/admin/_middleware": { http },
    "/admin/users/:id": C,
  });

  it("gives each page the layouts, middleware and error page above it", () => {
    const m = r.match("/admin/users/3") as RouteMatch;
    expect(m.page.layouts).toEqual([Root, Admin]);
    expect(m.page.httpMiddleware).toEqual([http]);
    expect(m.page.errorPage).toBe(Err);
    expect((r.match("/admin") as RouteMatch).page.layouts).toEqual([Root, Admin]);
    expect((r.match("/") as RouteMatch).page.layouts).toEqual([Root]);
  });

  it("finds the nearest not-found page with its layouts", () => {
    expect(r.tree.notFoundFor(["admin", "x"])).toEqual({ page: AdminNF, layouts: [Root, Admin] });
    expect(r.tree.notFoundFor(["elsewhere"])).toEqual({ page: NF, layouts: [Root] });
    expect(new Router({ "/": A }).tree.notFoundFor([])).toBeUndefined();
  });
});
