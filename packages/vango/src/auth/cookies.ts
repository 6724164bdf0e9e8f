/**
 * The two token cookies: HttpOnly (no script reads them), SameSite=Lax (sent on
 * top-level navigations from elsewhere, never on cross-site subrequests or POSTs) and
 * Secure with the `__Host-` prefix — relaxed to plain names without `Secure` only in
 * `devMode` on plain http, like the session cookie, and only read under the prefixed
 * name outside `devMode` (a sibling subdomain cannot plant one).
 */
import type { ServerResponse } from "node:http";
import { readCookie, serializeCookie } from "../server/security/cookies.ts";

export const ACCESS_COOKIE = "vango_at";
export const REFRESH_COOKIE = "vango_rt";
const HOST = "__Host-";

/** The token cookies of a request. */
export interface TokenCookies {
  readonly access: string | undefined;
  readonly refresh: string | undefined;
}

/**
 * Reads both cookies from a `Cookie` header (prefixed names; unprefixed ones too in devMode).
 * @example readTokenCookies("__Host-vango_at=eyJ…", false).access // "eyJ…"
 */
export function readTokenCookies(header: string | undefined, devMode: boolean): TokenCookies {
  const read = (name: string) =>
    readCookie(header, HOST + name) ?? (devMode ? readCookie(header, name) : undefined);
  return { access: read(ACCESS_COOKIE), refresh: read(REFRESH_COOKIE) };
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
  set(name: typeof ACCESS_COOKIE | typeof REFRESH_COOKIE, value: string, maxAgeMs: number): void {
    this.#append(name, value, Math.max(0, Math.floor(maxAgeMs / 1000)));
  }

  /** Deletes `name` in the browser. */
  clear(name: typeof ACCESS_COOKIE | typeof REFRESH_COOKIE): void {
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
