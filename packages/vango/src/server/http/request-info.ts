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
 * @example const view = PageView.open({ …, request: requestInfo(req) });
 */
export function requestInfo(req: IncomingMessage, method = req.method ?? "GET"): RequestInfo {
  const cookies = new Map<string, string>();
  for (const [k, v] of parseCookies(req.headers.cookie)) if (!OWN_COOKIES.has(k)) cookies.set(k, v);
  return {
    method,
    headers: Object.freeze({ ...req.headers }),
    cookies,
    locals: requestLocals(req),
  };
}
