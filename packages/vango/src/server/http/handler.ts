/**
 * The node:http request handler: the security guard (headers, CORS, rate limits, CSRF),
 * the client bundle, route pages (each GET mounts a pending session and answers its
 * server-rendered HTML), and coded errors. Usable as Express middleware: with a `next`
 * argument, unmatched paths fall through to it (and only the requests Vango answers
 * itself — its routes and client bundle — pass the guard).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestRecord } from "../../observability/http-observer.ts";
import { ErrorCode as E, ERRORS, type ErrorCode } from "../../protocol/errors.ts";
import { escapeText } from "../../render/escape.ts";
import type { HttpContext } from "../core/middleware.ts";
import { isTokenShaped, randomToken } from "../core/tokens.ts";
import type { Runtime } from "../runtime.ts";
import {
  csrfCookieName,
  readCookie,
  readSessionCookie,
  serializeCookie,
  sessionCookieName,
} from "../security/cookies.ts";
import { guardRequest, responseNonce } from "../security/guard.ts";
import type { Security } from "../security/security.ts";
import { isHttps } from "../security/security-headers.ts";
import { renderSessionPage } from "./page.ts";
import { sendError as sendJsonError } from "./send-error.ts";

export type NextFn = (err?: unknown) => void;

/**
 * Builds the app's `(req, res, next?)` handler.
 * @example http.createServer(createHttpHandler(runtime))
 */
export function createHttpHandler(
  rt: Runtime,
  sec?: Security,
): (req: IncomingMessage, res: ServerResponse, next?: NextFn) => Promise<void> {
  if (sec !== undefined) secure.set(rt, sec);
  return async (req, res, next) => {
    const path = pathnameOf(req.url);
    if (sec !== undefined && (next === undefined || ownsPath(rt, path))) {
      try {
        if (!(await guardRequest(sec, rt.csrf, req, res, path))) return;
      } catch (err) {
        rt.logger.error({ err, path, method: req.method }, "request guard failed");
        sendJsonError(res, E.internal_error);
        return;
      }
    }
    const ctx: HttpContext = {
      req,
      res,
      path,
      route: undefined,
      fallThrough: next !== undefined,
      handled: true,
    };
    try {
      await rt.runHttp(ctx);
      if (!ctx.handled && next !== undefined) next();
    } catch (err) {
      rt.logger.error({ err, path, method: req.method }, "request failed");
      if (!res.headersSent) sendError(res, E.internal_error);
      else res.destroy();
    }
  };
}

/** Innermost HTTP step: answers `ctx` or leaves it unhandled (for a `next`). */
export async function serveRequest(rt: Runtime, ctx: HttpContext): Promise<void> {
  const { req, res, path } = ctx;
  if (rt.client.matches(path)) {
    if (!isReadMethod(req.method)) return sendError(res, E.method_not_allowed, "GET, HEAD");
    ctx.route = "/_vango/client";
    await rt.client.serve(req, res, path);
    return;
  }
  const match = rt.router.match(path);
  if (match === undefined) {
    if (ctx.fallThrough) {
      ctx.handled = false;
      return;
    }
    return sendError(res, E.not_found);
  }
  ctx.route = match.route.pattern;
  if (!isReadMethod(req.method)) return sendError(res, E.method_not_allowed, "GET, HEAD");
  if (rt.closing) return sendError(res, E.server_shutdown);
  if (req.method === "HEAD") {
    // A HEAD must not mount a session: answer the headers a GET would carry.
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.end();
    return;
  }
  let sid = readSessionCookie(req.headers.cookie, rt.devMode);
  let setCookie = false;
  if (sid === undefined || !isTokenShaped(sid)) {
    sid = randomToken();
    setCookie = true;
  }
  const clientSrc = await rt.client.path();
  const sec = secure.get(rt);
  // Asked once per page: the session's events carry it (`EventContext.userId`).
  const userId = sec?.userOf?.(req);
  const session = rt.sessions.create(sid, match.route.pattern);
  if (session === undefined) return sendError(res, E.too_many_connections);
  session.userId = userId;
  // The page GET's request id follows the session into its event logs, and vice versa.
  const rec = requestRecord(req);
  if (rec !== undefined) {
    session.requestId = rec.requestId;
    rec.sessionId = session.id;
  }
  let html: string;
  try {
    session.setRoot(rt.mount(match, session));
    const nonce = responseNonce(res);
    html = renderSessionPage({
      head: rt.head,
      ...(nonce === undefined ? {} : { nonce }),
      title: match.route.title ?? rt.title,
      root: session.root.root,
      clientSrc,
      resumeToken: session.token,
      csrf: rt.csrf.sign(sid),
    });
  } catch (err) {
    session.dispose();
    throw err;
  }
  // Secure (and so `__Host-`) unless devMode serves plain http (browsers drop Secure
  // cookies set over http, except on localhost).
  const https = isHttps(req, sec !== undefined && sec.trustProxy !== false);
  const cookieSecure = !(rt.devMode && !https);
  const cookies: string[] = [];
  if (setCookie) {
    cookies.push(
      serializeCookie(sessionCookieName(cookieSecure), sid, {
        httpOnly: true,
        secure: cookieSecure,
        sameSite: "Lax",
        path: "/",
      }),
    );
  }
  const csrfToken = rt.csrf.sign(sid);
  const csrfName = csrfCookieName(cookieSecure);
  if (sec?.csrf !== undefined && readCookie(req.headers.cookie, csrfName) !== csrfToken) {
    // Readable by the page's JS for fetch() calls (double submit); worthless without the sid.
    cookies.push(
      serializeCookie(csrfName, csrfToken, {
        httpOnly: false,
        secure: cookieSecure,
        sameSite: "Lax",
        path: "/",
      }),
    );
  }
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
  const body = Buffer.from(html, "utf8");
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", body.byteLength);
  res.end(body);
}

function isReadMethod(m: string | undefined): boolean {
  return m === "GET" || m === "HEAD";
}

function pathnameOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const q = url.indexOf("?");
  const h = url.indexOf("#");
  let end = url.length;
  if (q !== -1) end = q;
  if (h !== -1 && h < end) end = h;
  return url.slice(0, end) || "/";
}

const secure = new WeakMap<Runtime, Security>();

/** Paths Vango answers itself (in Express mode, only these pass the guard). */
function ownsPath(rt: Runtime, path: string): boolean {
  return rt.client.matches(path) || rt.router.match(path) !== undefined;
}

/**
 * A coded error with the registry's status: a small HTML page for browsers (`Accept`
 * with `text/html`), else the JSON body `{"error":{"code","message"}}`.
 */
export function sendError(res: ServerResponse, code: ErrorCode, allow?: string): void {
  const accept = res.req?.headers.accept;
  if (accept === undefined || !accept.includes("text/html")) {
    res.setHeader("X-Vango-Error", code);
    sendJsonError(res, code, allow === undefined ? undefined : { allow });
    return;
  }
  const info = ERRORS[code];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${info.status}</title></head><body><h1>${info.status}</h1><p>${escapeText(info.message)}</p></body></html>`;
  res.statusCode = info.status;
  if (allow !== undefined) res.setHeader("Allow", allow);
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("X-Vango-Error", code);
  res.end(html);
}
