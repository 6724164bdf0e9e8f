/**
 * Minimal cookie parsing and `Set-Cookie` serialisation (RFC 6265 §4.1.1 syntax) for the
 * session and CSRF cookies. Only what the runtime needs: no signing here (the sid is
 * random and the CSRF token is bound to it by HMAC, see `csrf.ts`).
 *
 * Secure cookies carry the `__Host-` prefix (RFC 6265bis §4.1.3.2): the browser only
 * accepts them from a secure origin with `Path=/` and no `Domain`, so a sibling
 * subdomain cannot plant ("toss") a session id. For the same reason, outside `devMode`
 * only the prefixed name is read.
 */

/** Name of the cookie carrying the session id (plain-http `devMode` only). */
export const SESSION_COOKIE = "vango_sid";
/** Name of the session cookie when `Secure` (always outside plain-http `devMode`). */
export const SESSION_COOKIE_SECURE = "__Host-vango_sid";
/** JS-readable cookie holding the CSRF token for the double-submit check. */
export const CSRF_COOKIE = "vango_csrf";
/** The CSRF cookie's name when `Secure`. */
export const CSRF_COOKIE_SECURE = "__Host-vango_csrf";

/** Session cookie name for a response (`secure` = the cookie gets `Secure`). */
export function sessionCookieName(secure: boolean): string {
  return secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE;
}

/** CSRF cookie name for a response. */
export function csrfCookieName(secure: boolean): string {
  return secure ? CSRF_COOKIE_SECURE : CSRF_COOKIE;
}

/**
 * The session id from a `Cookie` header: the `__Host-` cookie, and in `devMode` also
 * the unprefixed one (set on plain http).
 * @example readSessionCookie("__Host-vango_sid=abc", false) // "abc"
 */
export function readSessionCookie(
  header: string | undefined,
  devMode: boolean,
): string | undefined {
  const v = readCookie(header, SESSION_COOKIE_SECURE);
  if (v !== undefined || !devMode) return v;
  return readCookie(header, SESSION_COOKIE);
}

/**
 * Every cookie of a `Cookie` header, in order (a repeated name: each occurrence).
 * @example [...parseCookies("a=1; b=2")] // [["a", "1"], ["b", "2"]]
 */
export function* parseCookies(header: string | undefined): Generator<[string, string]> {
  if (!header) return;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (name !== "") yield [name, value];
  }
}

/** Returns the value of cookie `name` in a `Cookie` header, or `undefined`. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end) {
      const key = header.slice(start, eq).trim();
      if (key === name) {
        let value = header.slice(eq + 1, end).trim();
        if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
          value = value.slice(1, -1);
        }
        return value;
      }
    }
    start = end + 1;
  }
  return undefined;
}

export interface CookieOptions {
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: "Lax" | "Strict" | "None";
  readonly path: string;
  /** Seconds; omitted = session cookie (lives until the browser closes). */
  readonly maxAge?: number;
}

const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/**
 * Serialises one `Set-Cookie` header value.
 * @example serializeCookie("vango_sid", "abc", { httpOnly: true, secure: true, sameSite: "Lax", path: "/" })
 *   // "vango_sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax"
 */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  if (!COOKIE_VALUE.test(value)) throw new TypeError("cookie value has invalid characters");
  let out = `${name}=${value}; Path=${opts.path}`;
  if (opts.maxAge !== undefined) out += `; Max-Age=${Math.floor(opts.maxAge)}`;
  if (opts.httpOnly) out += "; HttpOnly";
  if (opts.secure) out += "; Secure";
  out += `; SameSite=${opts.sameSite}`;
  return out;
}
