import { describe, expect, it } from "vitest";
import {
  CSRF_COOKIE,
  CSRF_COOKIE_SECURE,
  csrfCookieName,
  readCookie,
  readSessionCookie,
  SESSION_COOKIE,
  SESSION_COOKIE_SECURE,
  serializeCookie,
  sessionCookieName,
} from "../../../src/server/security/cookies.ts";

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

  it("names secure cookies with the __Host- prefix", () => {
    expect(sessionCookieName(true)).toBe("__Host-vango_sid");
    expect(sessionCookieName(false)).toBe(SESSION_COOKIE);
    expect(csrfCookieName(true)).toBe(CSRF_COOKIE_SECURE);
    expect(csrfCookieName(false)).toBe(CSRF_COOKIE);
  });

  it("reads only the __Host- session cookie outside devMode (no cookie tossing)", () => {
    expect(readSessionCookie(`${SESSION_COOKIE_SECURE}=abc`, false)).toBe("abc");
    expect(readSessionCookie(`${SESSION_COOKIE}=tossed`, false)).toBeUndefined();
    expect(readSessionCookie(`${SESSION_COOKIE}=t; ${SESSION_COOKIE_SECURE}=abc`, false)).toBe(
      "abc",
    );
    expect(readSessionCookie(`${SESSION_COOKIE}=dev`, true)).toBe("dev");
    expect(readSessionCookie(`${SESSION_COOKIE}=dev; ${SESSION_COOKIE_SECURE}=s`, true)).toBe("s");
    expect(readSessionCookie(undefined, true)).toBeUndefined();
  });
});
