/** Open-redirect checks on `next`, and the login URL that carries it. */
import { describe, expect, it } from "vitest";
import { loginUrl, safeNext } from "../../src/auth/redirects.ts";

describe("safeNext", () => {
  it("keeps same-site paths with their query and fragment", () => {
    for (const ok of ["/", "/account", "/a/b?x=1&y=%2F#top", "/%2F%2Fevil.example", "/a//b"]) {
      expect(safeNext(ok, "/home")).toBe(ok);
    }
    expect(safeNext("/a/../b", "/home")).toBe("/b");
  });

  it("refuses whatever could leave the site", () => {
    const bad = [
      undefined,
      null,
      "",
      "account",
      "//evil.example",
      "//evil.example/path",
      "/\\evil.example",
      "\\\\evil.example",
      "https://evil.example/",
      "http:/evil.example",
      "javascript:alert(1)",
      "data:text/html,x",
      "/\tevil",
      "/ok\u0000",
      "/\u007fx",
      " /account",
      `/${"x".repeat(2048)}`,
    ];
    for (const b of bad) expect([b, safeNext(b, "/home")]).toEqual([b, "/home"]);
  });
});

describe("loginUrl", () => {
  it("encodes next completely", () => {
    expect(loginUrl("/login", "/account?tab=2#x")).toBe("/login?next=%2Faccount%3Ftab%3D2%23x");
  });
});
