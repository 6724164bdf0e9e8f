/**
 * The node:http request handler: the security guard (headers, CORS, rate limits, CSRF —
 * before the method and the route are judged), then the app's HTTP middleware chain
 * around {@link serveRequest}: the client bundle, static files, route pages (each GET
 * mounts a pending session and answers its server-rendered HTML) and coded errors, all
 * through the one refusal path. Usable as Express middleware: with a `next` argument,
 * paths Vango does not own fall through to it (and only the requests Vango answers
 * itself pass the guard).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestRecord } from "../../observability/http-observer.ts";
import { ErrorCode as E, type ErrorCode } from "../../protocol/errors.ts";
import type { RouteMatch, Router } from "../../routing/router.ts";
import type { VChild } from "../../vdom/vnode.ts";
import { describeError, formatReport } from "../core/dev-report.ts";
import { sendError, sendRefusal } from "../core/http-error.ts";
import type { Logger } from "../core/logger.ts";
import type { HttpContext, NextFn } from "../core/middleware.ts";
import { isTokenShaped, randomToken } from "../core/tokens.ts";
import { clientIp } from "../security/client-ip.ts";
import {
  csrfCookieName,
  readCookie,
  readSessionCookie,
  serializeCookie,
  sessionCookieName,
} from "../security/cookies.ts";
import type { CsrfSigner } from "../security/csrf.ts";
import { guardRequest, responseNonce } from "../security/guard.ts";
import type { Security } from "../security/security.ts";
import { isHttps } from "../security/security-headers.ts";
import type { OpenFacts } from "../session/manager.ts";
import type { Session } from "../session/session.ts";
import { CLIENT_ROUTE, type ClientAsset } from "./client-asset.ts";
import { renderSessionPage } from "./page.ts";
import { STATIC_ROUTE, type StaticFiles } from "./static-files.ts";

/** What the HTTP side of an app needs (narrowed from the assembled runtime). */
export interface HttpHost {
  readonly devMode: boolean;
  readonly logger: Logger;
  readonly security: Security;
  readonly csrf: CsrfSigner;
  readonly router: Router;
  readonly client: ClientAsset;
  /** The dev overlay chunk (devMode only). */
  readonly devOverlay: ClientAsset | undefined;
  readonly statics: StaticFiles | undefined;
  /** Default document title and extra `<head>` content of every page. */
  readonly title: string | undefined;
  readonly head: VChild | undefined;
  /** The HTTP middleware chain around {@link serveRequest}. */
  readonly runHttp: (ctx: HttpContext) => Promise<void>;
  /** True once shutdown began: no new pages. */
  closing(): boolean;
  openSession(match: RouteMatch, sid: string, facts: OpenFacts): Session | ErrorCode;
}

export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: NextFn,
) => Promise<void>;

/**
 * Builds the app's `(req, res, next?)` handler.
 * @example http.createServer(createHttpHandler(host))
 */
export function createHttpHandler(host: HttpHost): RequestHandler {
  return async (req, res, next) => {
    const path = pathnameOf(req.url);
    const route = routeLabel(host, path);
    const ctx: HttpContext = {
      req,
      res,
      path,
      route,
      fallThrough: next !== undefined,
      handled: true,
    };
    try {
      // Mounted in Express, only what Vango answers itself passes its guard.
      if (next === undefined || route !== undefined) {
        const verdict = await guardRequest(host.security, host.csrf, req, res, path);
        if (verdict !== undefined) {
          // Refused before the app ran: the route still labels the request's metrics.
          const rec = requestRecord(req);
          if (rec !== undefined) rec.route = route;
          if (verdict !== "answered") sendRefusal(res, verdict);
          return;
        }
      }
      await host.runHttp(ctx);
      if (!ctx.handled && next !== undefined) next();
    } catch (err) {
      // A client that hung up mid-request is not a server error (the observer records 499).
      if (req.destroyed && !req.complete) {
        host.logger.info({ code: E.client_closed_request, path, method: req.method }, "aborted");
        res.destroy();
        return;
      }
      host.logger.error(
        { err, code: E.internal_error, path, method: req.method },
        "request failed",
      );
      sendError(res, E.internal_error);
    }
  };
}

/**
 * Innermost HTTP step: answers `ctx` (the client bundle, a static file, a route page or
 * a coded error), or marks it unhandled for an Express `next`.
 */
export async function serveRequest(host: HttpHost, ctx: HttpContext): Promise<void> {
  const { req, res, path } = ctx;
  const asset = host.client.matches(path)
    ? host.client
    : host.devOverlay?.matches(path) === true
      ? host.devOverlay
      : undefined;
  if (asset !== undefined) {
    ctx.route = CLIENT_ROUTE;
    if (!isReadMethod(req.method)) return sendError(res, E.method_not_allowed, ALLOW_READ);
    await asset.serve(req, res, path);
    return;
  }
  const match = host.router.match(path);
  if (match === undefined) {
    if (host.statics !== undefined && isReadMethod(req.method)) {
      if (await host.statics.serve(req, res, path)) {
        ctx.route = STATIC_ROUTE;
        return;
      }
    }
    if (ctx.fallThrough) {
      ctx.handled = false;
      return;
    }
    return sendError(res, E.not_found);
  }
  ctx.route = match.route.pattern;
  if (!isReadMethod(req.method)) return sendError(res, E.method_not_allowed, ALLOW_READ);
  if (host.closing()) return sendError(res, E.server_shutdown);
  return servePage(host, req, res, match);
}

const ALLOW_READ = { allow: "GET, HEAD" };
const RETRY_SOON = { "retry-after": "5" };

/** A route's page: a pending session mounted for it, and its server-rendered HTML. */
async function servePage(
  host: HttpHost,
  req: IncomingMessage,
  res: ServerResponse,
  match: RouteMatch,
): Promise<void> {
  if (req.method === "HEAD") {
    // A HEAD must not mount a session: answer the headers a GET would carry.
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end();
    return;
  }
  const sec = host.security;
  let sid = readSessionCookie(req.headers.cookie, host.devMode);
  let setCookie = false;
  if (sid === undefined || !isTokenShaped(sid)) {
    sid = randomToken();
    setCookie = true;
  }
  const clientSrc = await host.client.path();
  const scripts = host.devOverlay === undefined ? [] : [await host.devOverlay.path()];
  const rec = requestRecord(req);
  let session: Session | ErrorCode;
  try {
    // Asked once per page: the session's events carry it (`EventContext.userId`).
    session = host.openSession(match, sid, {
      userId: sec.userOf?.(req),
      requestId: rec?.requestId,
      ip: clientIp(req, { trustProxy: sec.trustProxy }),
    });
  } catch (err) {
    return renderFailed(host, res, err, match);
  }
  if (typeof session === "string") {
    return sendError(res, session, session === E.server_busy ? RETRY_SOON : undefined);
  }
  // The page GET's request id follows the session into its event logs, and vice versa.
  if (rec !== undefined) rec.sessionId = session.id;
  let html: string;
  try {
    const nonce = responseNonce(res);
    html = renderSessionPage({
      head: host.head,
      ...(nonce === undefined ? {} : { nonce }),
      title: match.route.title ?? host.title,
      root: session.root.root,
      clientSrc,
      scripts,
      resumeToken: session.token,
      csrf: host.csrf.sign(sid),
    });
  } catch (err) {
    session.dispose();
    throw err;
  }
  // Secure (and so `__Host-`) unless devMode serves plain http (browsers drop Secure
  // cookies set over http, except on localhost).
  const https = isHttps(req, sec.trustProxy !== false);
  const cookieSecure = !(host.devMode && !https);
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
  const csrfToken = host.csrf.sign(sid);
  const csrfName = csrfCookieName(cookieSecure);
  if (sec.csrf !== undefined && readCookie(req.headers.cookie, csrfName) !== csrfToken) {
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
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-length": body.byteLength,
  });
  res.end(body);
}

/** A page whose components threw while mounting: 500 `render_error` (with the report in devMode). */
function renderFailed(host: HttpHost, res: ServerResponse, err: unknown, match: RouteMatch): void {
  const code = codeOf(err);
  const report = describeError(err, code);
  host.logger.error(
    { err, code, route: match.route.pattern, component_stack: report.componentStack },
    "page render failed",
  );
  sendError(res, code, undefined, host.devMode ? formatReport(report) : undefined);
}

function codeOf(err: unknown): ErrorCode {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === "string" && c in E ? (c as ErrorCode) : E.render_error;
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

/** The bounded metrics label of a path Vango answers (`undefined`: not a route of its own). */
function routeLabel(host: HttpHost, path: string): string | undefined {
  if (host.client.matches(path)) return CLIENT_ROUTE;
  return host.router.match(path)?.route.pattern;
}
