/**
 * Where a sign-in sends the browser: `next`, only when it is a path on this site — an
 * open redirect (`/login?next=https://evil.example`) would lend the site's name to a
 * phishing link. Refused: anything not starting with a single `/` (`//evil`, `/\evil`,
 * which browsers read as another host), control characters and backslashes anywhere,
 * and whatever the URL parser resolves to another origin.
 */

const BASE = "http://vango.invalid";

/** Control characters (browsers drop some inside URLs) and backslashes (read as `/`). */
function unsafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true;
  }
  return false;
}

/**
 * `next` as a same-site path (path, query, fragment), or `fallback`.
 * @example safeNext("/account?tab=2", "/") // "/account?tab=2"
 * @example safeNext("//evil.example", "/") // "/"
 */
export function safeNext(next: string | null | undefined, fallback: string): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return fallback;
  if (next[0] !== "/" || next[1] === "/" || unsafe(next)) return fallback;
  let u: URL;
  try {
    u = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (u.origin !== BASE) return fallback;
  return u.pathname + u.search + u.hash;
}

/** The login URL's parameter naming the page state a login brings back. */
export const RESTORE_PARAM = "restore";

/**
 * The login page's URL that comes back to `next` afterwards — with the page state kept
 * under `restore` (a handed-off page's key), when there is one.
 * @example loginUrl("/login", "/account?tab=2") // "/login?next=%2Faccount%3Ftab%3D2"
 */
export function loginUrl(loginPath: string, next: string, restore?: string): string {
  const url = `${loginPath}?next=${encodeURIComponent(next)}`;
  return restore === undefined ? url : `${url}&${RESTORE_PARAM}=${encodeURIComponent(restore)}`;
}
