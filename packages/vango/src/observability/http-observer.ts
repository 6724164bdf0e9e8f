/**
 * Per-request observability: the request id (honoured or generated, echoed), one
 * `vango_http_requests_total` / `vango_http_request_duration_seconds` sample and one
 * JSON log line per request the app answers. It wraps the app's whole request handler,
 * so responses written by any middleware (429, 403, 500) are measured too; the innermost
 * step of the middleware chain reports the route template and the active span.
 *
 * A request whose client hung up before the request was even complete (a body cut
 * short) is recorded as **499** (nginx's "client closed request"), whatever the app made
 * of the broken request: no answer reached anyone, and a client's abort must not feed
 * the 5xx alert.
 *
 * The request's record is kept against the request object (a WeakMap, not an
 * `AsyncLocalStorage`: on Node 20 that turns on promise hooks for the whole process,
 * which taxes every promise of every session), so a session created by a page GET
 * learns its request id from the request it is created for.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { ERRORS } from "../protocol/errors.ts";
import type { Logger } from "../server/core/logger.ts";
import type { HttpContext, NextFn } from "../server/core/middleware.ts";
import { DEFAULT_SANITIZE, sanitize } from "./log-sanitize.ts";
import { UNMATCHED_ROUTE, type VangoMetrics } from "./metrics.ts";
import { requestId } from "./request-id.ts";

/** What the runtime learns about one HTTP request while answering it. */
export class RequestRecord {
  readonly requestId: string;
  /** `performance.now()` at arrival. */
  readonly start: number;
  /** Route template once matched (`/users/:id`, `/_vango/client`, `static`). */
  route: string | undefined;
  /** False when the request was left to an Express `next`. */
  handled: boolean;
  /** Session mounted by this request (page GETs). */
  sessionId: string | undefined;
  traceId: string | undefined;
  spanId: string | undefined;

  constructor(id: string, start: number) {
    this.requestId = id;
    this.start = start;
    this.route = undefined;
    this.handled = true;
    this.sessionId = undefined;
    this.traceId = undefined;
    this.spanId = undefined;
  }
}

const records = new WeakMap<IncomingMessage, RequestRecord>();

/** The record of `req` while the app answers it (absent when observability is off). */
export function requestRecord(req: IncomingMessage): RequestRecord | undefined {
  return records.get(req);
}

export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: NextFn,
) => Promise<void>;

/** Answers internal endpoints (health, token-protected metrics); true when it did. */
export type InternalRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface HttpObserverOptions {
  readonly logger: Logger;
  readonly metrics: VangoMetrics | undefined;
  /** Redact secret headers before logging (for loggers that do not redact themselves). */
  readonly redactHeaders: boolean;
  readonly internal: InternalRoutes | undefined;
}

/**
 * Wraps the app's request handler: request id first, internal endpoints next (not
 * measured, not logged: probes and scrapes would drown the real traffic), then the app.
 * @example const handler = observeHttp(createHttpHandler(rt), { logger, metrics, redactHeaders: false, internal: undefined });
 */
export function observeHttp(inner: RequestHandler, o: HttpObserverOptions): RequestHandler {
  const { logger, metrics, redactHeaders, internal } = o;
  const finish = (req: IncomingMessage, res: ServerResponse, rec: RequestRecord): void => {
    if (!rec.handled) return;
    const seconds = (performance.now() - rec.start) / 1000;
    const status = clientClosed(req) ? CLIENT_CLOSED : res.statusCode;
    metrics?.httpObserved(rec.route, req.method, status, seconds);
    const line: Record<string, unknown> = {
      request_id: rec.requestId,
      route: rec.route ?? UNMATCHED_ROUTE,
      method: req.method,
      path: pathOf(req.url),
      status,
      latency_ms: Math.round(seconds * 100_000) / 100,
      headers: redactHeaders ? sanitize(req.headers, DEFAULT_SANITIZE) : req.headers,
    };
    if (rec.sessionId !== undefined) line.session_id = rec.sessionId;
    if (rec.traceId !== undefined) {
      line.trace_id = rec.traceId;
      line.span_id = rec.spanId;
    }
    if (status >= 500) logger.error(line, "request");
    else logger.info(line, "request");
  };
  return async (req, res, next) => {
    const rec = new RequestRecord(requestId(req, res), performance.now());
    if (internal?.(req, res) === true) return;
    records.set(req, rec);
    try {
      await inner(req, res, next);
    } finally {
      records.delete(req);
      finish(req, res, rec);
    }
  };
}

/**
 * The innermost step of the HTTP middleware chain: runs `serve` and reports the route
 * template and the span the middleware made active (for the request log line).
 */
export function reportingInner(
  serve: (ctx: HttpContext) => Promise<void>,
): (ctx: HttpContext) => Promise<void> {
  return async (ctx) => {
    const rec = records.get(ctx.req);
    if (rec === undefined) return serve(ctx);
    const span = trace.getActiveSpan();
    if (span !== undefined) {
      const sc = span.spanContext();
      if (isSpanContextValid(sc)) {
        rec.traceId = sc.traceId;
        rec.spanId = sc.spanId;
      }
    }
    try {
      await serve(ctx);
    } finally {
      rec.route = ctx.route;
      rec.handled = ctx.handled;
    }
  };
}

const CLIENT_CLOSED = ERRORS.client_closed_request.status;

/**
 * The client hung up before its request was complete. Checked right after the app
 * returns: a socket the server closes after answering (`Connection: close`) is only
 * destroyed once the answer is flushed, later.
 */
function clientClosed(req: IncomingMessage): boolean {
  return !req.complete && req.socket?.destroyed === true;
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}
