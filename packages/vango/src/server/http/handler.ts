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
import type { Redirect } from "../../routing/control.ts";
import type { PageInit } from "../../routing/page-info.ts";
import type { CompiledPage } from "../../routing/route-table.ts";
import type { RouteMatch, Router } from "../../routing/router.ts";
import type { VChild } from "../../vdom/vnode.ts";
import { sendError, sendRefusal, wantsHtml } from "../core/http-error.ts";
import type { Logger } from "../core/logger.ts";
import { compose, type HttpContext, type Middleware, type NextFn } from "../core/middleware.ts";
import type { CsrfSigner } from "../security/csrf.ts";
import { guardRequest } from "../security/guard.ts";
import type { Security } from "../security/security.ts";
import type { OpenFacts } from "../session/manager.ts";
import type { Persistence } from "../session/persistence.ts";
import type { Session } from "../session/session.ts";
import { CHUNK_ROUTE, type ChunkAssets } from "./chunk-assets.ts";
import { CLIENT_ROUTE, type ClientAsset } from "./client-asset.ts";
import { serveAction, servePage } from "./page.ts";
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
  /** The on-demand chunks (hooks, islands); absent with an app's own client builder. */
  readonly chunks: ChunkAssets | undefined;
  /** The form recovery chunk (unless `formRecovery: false` or a custom client). */
  readonly recovery: ClientAsset | undefined;
  readonly statics: StaticFiles | undefined;
  /** Ms a page request waits for its data before answering (the rest arrives as patches). */
  readonly pageDataMs: number;
  readonly pageStreamMs: number;
  /** Default document title and extra `<head>` content of every page. */
  readonly title: string | undefined;
  readonly head: VChild | undefined;
  /** The HTTP middleware chain around {@link serveRequest}. */
  readonly runHttp: (ctx: HttpContext) => Promise<void>;
  /** Where checkpoints go (`undefined`: persistence off): handed-off pages come from it. */
  readonly persistence: Persistence | undefined;
  /** True once shutdown began: no new pages. */
  closing(): boolean;
  openSession(page: PageInit, sid: string, facts: OpenFacts): Session | ErrorCode | Redirect;
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
      : host.recovery?.matches(path) === true
        ? host.recovery
        : undefined;
  if (asset !== undefined) {
    ctx.route = CLIENT_ROUTE;
    if (!isReadMethod(req.method))
      return sendError(res, E.method_not_allowed, { allow: "GET, HEAD" });
    await asset.serve(req, res, path);
    return;
  }
  if (host.chunks?.matches(path) === true) {
    ctx.route = CHUNK_ROUTE;
    if (!isReadMethod(req.method))
      return sendError(res, E.method_not_allowed, { allow: "GET, HEAD" });
    await host.chunks.serve(req, res, path);
    return;
  }
  const match = host.router.match(path);
  if (typeof match === "string") return sendError(res, match);
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
    // Browsers get the app's not-found page (live, in its layouts); other callers JSON.
    if (req.method !== "GET" || !wantsHtml(req.headers.accept)) return sendError(res, E.not_found);
    if (host.closing()) return sendError(res, E.server_shutdown);
    return servePage(host, req, res);
  }
  ctx.route = match.page.pattern;
  const mws = match.page.httpMiddleware;
  if (mws.length > 0) return pageChain(match.page)(Object.assign(ctx, { match, host }));
  return servePageOrAction(host, req, res, match);
}

interface PageCtx extends HttpContext {
  readonly match: RouteMatch;
  readonly host: HttpHost;
}

/** A page's `_middleware` HTTP middleware around answering it (composed once per page). */
const pageChains = new WeakMap<CompiledPage, (ctx: PageCtx) => Promise<void>>();
function pageChain(page: CompiledPage): (ctx: PageCtx) => Promise<void> {
  let run = pageChains.get(page);
  if (run === undefined) {
    run = compose(page.httpMiddleware as readonly Middleware<PageCtx>[], (ctx: PageCtx) =>
      servePageOrAction(ctx.host, ctx.req, ctx.res, ctx.match),
    );
    pageChains.set(page, run);
  }
  return run;
}

async function servePageOrAction(
  host: HttpHost,
  req: IncomingMessage,
  res: ServerResponse,
  match: RouteMatch,
): Promise<void> {
  if (req.method === "POST" && match.page.action !== undefined) {
    return serveAction(host, req, res, match);
  }
  if (!isReadMethod(req.method)) {
    const allow = match.page.action === undefined ? "GET, HEAD" : "GET, HEAD, POST";
    return sendError(res, E.method_not_allowed, { allow });
  }
  if (host.closing()) return sendError(res, E.server_shutdown);
  return servePage(host, req, res);
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
  if (host.chunks?.matches(path) === true) return CHUNK_ROUTE;
  const m = host.router.match(path);
  return m === undefined || typeof m === "string" ? undefined : m.page.pattern;
}
