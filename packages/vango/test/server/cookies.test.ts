import { describe, expect, it } from "vitest";
import { readCookie, SESSION_COOKIE, serializeCookie } from "../../src/server/cookies.ts";

describe("cookies", () => {
  it("reads a named cookie among others, trimming and unquoting", () => {
    expect(readCookie("a=1; vango_sid=abc; b=2", SESSION_COOKIE)).toBe("abc");
    expect(readCookie('vango_sid="q"', SESSION_COOKIE)).toBe("q");
    expect(readCookie("xvango_sid=1", SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(undefined, SESSION_COOKIE)).toBeUndefined();
    expect(readCookie("novalue; vango_sid=z", SESSION_COOKIE)).toBe("z");
  });

  it("serialises Set-Cookie with flags in a fixed order", () => {
    expect(
      serializeCookie("vango_sid", "abc", {
        httpOnly: true,
        secure: true,
        sameSite: "Lax",
        path: "/",
      }),
    ).toBe("vango_sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(
      serializeCookie("a", "b", {
        httpOnly: false,
        secure: false,
        sameSite: "Strict",
        path: "/x",
        maxAge: 60,
      }),
    ).toBe("a=b; Path=/x; Max-Age=60; SameSite=Strict");
  });

  it("refuses values that would inject attributes", () => {
    expect(() =>
      serializeCookie("a", "x; Domain=evil", {
        httpOnly: true,
        secure: true,
        sameSite: "Lax",
        path: "/",
      }),
    ).toThrow(TypeError);
  });
});
