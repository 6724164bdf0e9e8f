/**
 * Minimal cookie parsing and `Set-Cookie` serialisation (RFC 6265 §4.1.1 syntax) for the
 * session cookie. Only what the runtime needs: no signing here (the sid is random and
 * the CSRF token is bound to it by HMAC, see `csrf.ts`).
 */

/** Name of the cookie carrying the session id. */
export const SESSION_COOKIE = "vango_sid";

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
