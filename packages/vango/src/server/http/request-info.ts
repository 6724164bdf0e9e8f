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
 * @example const view = PageView.open({ …, request: requestInfo(req) });
 */
export function requestInfo(req: IncomingMessage, method = req.method ?? "GET"): RequestInfo {
  let cookies: Map<string, string> | undefined;
  for (const [k, v] of parseCookies(req.headers.cookie)) {
    if (OWN_COOKIES.has(k)) continue;
    if (cookies === undefined) cookies = new Map();
    cookies.set(k, v);
  }
  const locals = requestLocals(req);
  return {
    method,
    headers: Object.freeze({ ...req.headers }),
    cookies: cookies ?? NO_COOKIES,
    // The app's middleware has run by now: an empty Map stays empty.
    locals: locals.size === 0 ? NO_LOCALS : locals,
  };
}
