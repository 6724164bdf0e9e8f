/**
 * Auth's cookies — the two tokens, and the key of a page a login brings back: HttpOnly (no script reads them), SameSite=Lax (sent on
 * top-level navigations from elsewhere, never on cross-site subrequests or POSTs) and
 * Secure with the `__Host-` prefix — relaxed to plain names without `Secure` only in
 * `devMode` on plain http, like the session cookie, and only read under the prefixed
 * name outside `devMode` (a sibling subdomain cannot plant one).
 */
import type { ServerResponse } from "node:http";
import { readCookie, serializeCookie } from "../server/security/cookies.ts";

export const ACCESS_COOKIE = "vango_at";
export const REFRESH_COOKIE = "vango_rt";
/**
 * The key of the page a login brings back (handed off by the live session the expired
 * sign-in sent to login): set with the login's redirect, taken by the page it goes to.
 */
export const RESTORE_COOKIE = "vango_restore";
export type AuthCookie = typeof ACCESS_COOKIE | typeof REFRESH_COOKIE | typeof RESTORE_COOKIE;
const HOST = "__Host-";

/** The token cookies of a request. */
export interface TokenCookies {
  readonly access: string | undefined;
  readonly refresh: string | undefined;
}

/**
 * Reads one of auth's cookies from a `Cookie` header (its prefixed name; the unprefixed
 * one too in devMode).
 * @example readAuthCookie("__Host-vango_restore=q3V0…", RESTORE_COOKIE, false) // "q3V0…"
 */
export function readAuthCookie(
  header: string | undefined,
  name: AuthCookie,
  devMode: boolean,
): string | undefined {
  return readCookie(header, HOST + name) ?? (devMode ? readCookie(header, name) : undefined);
}

/**
 * Reads both token cookies from a `Cookie` header.
 * @example readTokenCookies("__Host-vango_at=eyJ…", false).access // "eyJ…"
 */
export function readTokenCookies(header: string | undefined, devMode: boolean): TokenCookies {
  return {
    access: readAuthCookie(header, ACCESS_COOKIE, devMode),
    refresh: readAuthCookie(header, REFRESH_COOKIE, devMode),
  };
}

/** Writes token cookies on one response (appended: the page adds its own later). */
export class CookieWriter {
  readonly #res: ServerResponse;
  readonly #secure: boolean;

  /** `secure`: false only in devMode on plain http. */
  constructor(res: ServerResponse, secure: boolean) {
    this.#res = res;
    this.#secure = secure;
  }

  /** Sets `name` to `value` for `maxAgeMs`. */
  set(name: AuthCookie, value: string, maxAgeMs: number): void {
    this.#append(name, value, Math.max(0, Math.floor(maxAgeMs / 1000)));
  }

  /** Deletes `name` in the browser. */
  clear(name: AuthCookie): void {
    this.#append(name, "", 0);
  }

  #append(name: string, value: string, maxAge: number): void {
    if (this.#res.headersSent) return;
    const cookie = serializeCookie(this.#secure ? HOST + name : name, value, {
      httpOnly: true,
      secure: this.#secure,
      sameSite: "Lax",
      path: "/",
      maxAge,
    });
    this.#res.appendHeader("set-cookie", cookie);
  }
}
