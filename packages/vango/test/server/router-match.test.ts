import { describe, expect, it } from "vitest";
import { Router } from "../../src/server/router-match.ts";

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

  it("rejects malformed patterns", () => {
    expect(() => new Router({ x: A })).toThrow(TypeError);
    expect(() => new Router({ "/a/:": A })).toThrow(TypeError);
  });
});
