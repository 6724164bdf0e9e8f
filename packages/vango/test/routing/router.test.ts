import { describe, expect, it } from "vitest";
import { Router } from "../../src/routing/router.ts";
import { ConfigError } from "../../src/server/core/errors.ts";

const A = () => null;
const B = () => null;
const C = () => null;

describe("Router", () => {
  const r = new Router({
    "/": A,
    "/users/:id": { component: B, title: "User" },
    "/users/me": C,
    "/a/:x/b/:y": A,
  });

  it("matches exact paths, ignoring trailing slashes", () => {
    expect(r.match("/")?.route.component).toBe(A);
    expect(r.match("/users/me/")?.route.component).toBe(C);
  });

  it("extracts decoded params; exact routes win", () => {
    const m = r.match("/users/j%C3%B6");
    expect(m?.route.pattern).toBe("/users/:id");
    expect(m?.route.title).toBe("User");
    expect(m?.params).toEqual({ id: "jö" });
    expect(r.match("/a/1/b/2")?.params).toEqual({ x: "1", y: "2" });
  });

  it("returns undefined for unknown paths and bad escapes", () => {
    expect(r.match("/nope")).toBeUndefined();
    expect(r.match("/users")).toBeUndefined();
    expect(r.match("/users/%E0%A4%A")).toBeUndefined();
  });

  it("rejects malformed patterns and entries with config_invalid, naming the route", () => {
    const refused = (routes: Record<string, unknown>): [string, string] | undefined => {
      try {
        new Router(routes as ConstructorParameters<typeof Router>[0]);
      } catch (err) {
        if (err instanceof ConfigError) return [err.code, err.option];
        throw err;
      }
      return undefined;
    };
    expect(refused({ x: A })).toEqual(["config_invalid", 'routes["x"]']);
    expect(refused({ "/a/:": A })).toEqual(["config_invalid", 'routes["/a/:"]']);
    expect(refused({ "/a": { component: "nope" } })).toEqual(["config_invalid", 'routes["/a"]']);
    expect(refused({ "/a": null })).toEqual(["config_invalid", 'routes["/a"]']);
    expect(refused({ "/a": { component: A, title: 5 } })).toEqual([
      "config_invalid",
      'routes["/a"]',
    ]);
    expect(refused({ "/a/:id": { component: A, title: "ok" } })).toBeUndefined();
  });
});
