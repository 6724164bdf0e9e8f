/**
 * The request as pages see it (`useRequest()`, `RequestInfo`): read-only headers, the
 * app's cookies (Vango's own are left out: the session id stays server-side) and what
 * the app's middleware put in `requestLocals(req)`. A page request makes one; so does a
 * WebSocket upgrade whose session is rebuilt here, from the upgrade request.
 */
import type { IncomingMessage } from "node:http";
import type { RequestInfo } from "../../routing/page-info.ts";
import { requestLocals } from "../core/request-locals.ts";
import { csrfCookieName, parseCookies, sessionCookieName } from "../security/cookies.ts";

const OWN_COOKIES = new Set([
  sessionCookieName(true),
  sessionCookieName(false),
  csrfCookieName(true),
  csrfCookieName(false),
]);

/**
 * Shared by every request without app cookies or locals: a session keeps its request for
 * its lifetime, and two empty Maps were ~370 B of each idle session (bench/session-heap).
 */
const NO_COOKIES: ReadonlyMap<string, string> = new Map();
const NO_LOCALS: ReadonlyMap<symbol, unknown> = new Map();

/**
 * Header values that many requests carry alike (a browser's `user-agent`, `accept`,
 * `sec-ch-ua`, `accept-language`…), one string each. A session keeps its request for
 * its lifetime, and a browser's headers (its cookies aside) made an idle session 3.95 KB
 * instead of 3.15; shared, 2.94 (`npm run bench -- session`). Bounded:
 * a full table starts over (what sessions hold stays theirs), so a flood of distinct
 * values costs a clear now and then, never memory. Credentials are never kept here.
 */
const shared = new Map<string, string>();
const SHARED_MAX = 1024;
/** Longer values are kept as they are (browsers' shared headers are shorter). */
const SHARED_VALUE_MAX = 256;
/** Credentials, and a value each connection makes up anew (a resume's upgrade request). */
const UNSHARED_HEADERS = new Set([
  "cookie",
  "authorization",
  "proxy-authorization",
  "sec-websocket-key",
]);

function sharedValue(v: string): string {
  if (v.length > SHARED_VALUE_MAX) return v;
  const known = shared.get(v);
  if (known !== undefined) return known;
  if (shared.size >= SHARED_MAX) shared.clear();
  shared.set(v, v);
  return v;
}

/** A frozen copy of `req`'s headers, with the values requests share taken from {@link shared}. */
function headersOf(req: IncomingMessage): RequestInfo["headers"] {
  const out: Record<string, string | string[] | undefined> = {};
  const all = req.headers;
  for (const name of Object.keys(all)) {
    const v = all[name];
    out[name] = typeof v === "string" && !UNSHARED_HEADERS.has(name) ? sharedValue(v) : v;
  }
  return Object.freeze(out);
}

/**
 * A request as pages see it. Its cookies are read from the `cookie` header when first
 * asked for: a session keeps its request for its lifetime, and most pages never read a
 * cookie — a returning visitor's analytics cookies, parsed into a Map up front, were
 * ~0.6 KB of each idle session on top of the header (`npm run bench -- session`).
 */
class PageRequestInfo implements RequestInfo {
  readonly method: string;
  readonly headers: RequestInfo["headers"];
  readonly locals: ReadonlyMap<symbol, unknown>;
  #cookies: ReadonlyMap<string, string> | undefined = undefined;

  constructor(
    method: string,
    headers: RequestInfo["headers"],
    locals: ReadonlyMap<symbol, unknown>,
  ) {
    this.method = method;
    this.headers = headers;
    this.locals = locals;
  }

  get cookies(): ReadonlyMap<string, string> {
    this.#cookies ??= appCookies(this.headers.cookie);
    return this.#cookies;
  }
}

/** The app's cookies in a `cookie` header: Vango's own are left out. */
function appCookies(header: string | readonly string[] | undefined): ReadonlyMap<string, string> {
  if (typeof header !== "string") return NO_COOKIES;
  let cookies: Map<string, string> | undefined;
  for (const [k, v] of parseCookies(header)) {
    if (OWN_COOKIES.has(k)) continue;
    if (cookies === undefined) cookies = new Map();
    cookies.set(k, v);
  }
  return cookies ?? NO_COOKIES;
}

/**
 * @example const view = PageView.open({ …, request: requestInfo(req) });
 */
export function requestInfo(req: IncomingMessage, method = req.method ?? "GET"): RequestInfo {
  const locals = requestLocals(req);
  // The app's middleware has run by now: an empty Map stays empty.
  return new PageRequestInfo(method, headersOf(req), locals.size === 0 ? NO_LOCALS : locals);
}
