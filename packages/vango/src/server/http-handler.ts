/**
 * The node:http request handler: the client bundle, route pages (each GET mounts a
 * pending session and answers its server-rendered HTML), and the 404 page. Usable as
 * Express middleware: with a `next` argument, unmatched paths fall through to it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { ErrorCode as E, ERRORS, type ErrorCode } from "../protocol/errors.ts";
import { escapeText } from "../render/escape.ts";
import { readCookie, SESSION_COOKIE, serializeCookie } from "./cookies.ts";
import type { HttpContext } from "./middleware.ts";
import { renderSessionPage } from "./page-response.ts";
import type { Runtime } from "./runtime.ts";
import { isTokenShaped, randomToken } from "./tokens.ts";

export type NextFn = (err?: unknown) => void;

/**
 * Builds the app's `(req, res, next?)` handler.
 * @example http.createServer(createHttpHandler(runtime))
 */
export function createHttpHandler(
  rt: Runtime,
): (req: IncomingMessage, res: ServerResponse, next?: NextFn) => Promise<void> {
  return async (req, res, next) => {
    const path = pathnameOf(req.url);
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
  let sid = readCookie(req.headers.cookie, SESSION_COOKIE);
  let setCookie = false;
  if (sid === undefined || !isTokenShaped(sid)) {
    sid = randomToken();
    setCookie = true;
  }
  const clientSrc = await rt.client.path();
  const session = rt.sessions.create(sid, match.route.pattern);
  if (session === undefined) return sendError(res, E.too_many_connections);
  let html: string;
  try {
    session.setRoot(rt.mount(match, session));
    html = renderSessionPage({
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
  if (setCookie) {
    const secure = !(rt.devMode && !(req.socket as TLSSocket).encrypted);
    res.setHeader(
      "Set-Cookie",
      serializeCookie(SESSION_COOKIE, sid, { httpOnly: true, secure, sameSite: "Lax", path: "/" }),
    );
  }
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

/** A small coded error page with the registry's status. */
export function sendError(res: ServerResponse, code: ErrorCode, allow?: string): void {
  const info = ERRORS[code];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${info.status}</title></head><body><h1>${info.status}</h1><p>${escapeText(info.message)}</p></body></html>`;
  res.statusCode = info.status;
  if (allow !== undefined) res.setHeader("Allow", allow);
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("X-Vango-Error", code);
  res.end(html);
}
