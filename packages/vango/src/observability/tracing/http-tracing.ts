/**
 * `tracingHttpMiddleware`: a SERVER span per HTTP request the app answers (SSR pages,
 * the client bundle), named `<METHOD> <route template>`, continuing an incoming W3C
 * `traceparent` and echoing the server span's own `traceparent` on the response.
 *
 * When a span is already active at the request (`@opentelemetry/instrumentation-http`,
 * or a framework's own tracing), that span is the request's server span: it is reused
 * and enriched (route in its name and `http.route`, errors) instead of nesting a second
 * SERVER span under it.
 */
import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  propagation,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { HttpContext, Middleware, Next } from "../../server/core/middleware.ts";
import { Attr } from "./attributes.ts";
import { methodSpanName, normalizeMethod, OTHER_METHOD } from "./http-method.ts";
import { recordError } from "./record-error.ts";
import { formatTraceparent, TRACEPARENT } from "./traceparent.ts";
import { TracerHandle } from "./tracer-handle.ts";

export interface HttpTracingOptions<C extends HttpContext = HttpContext> {
  /** Instrumentation scope name of the tracer (default `"vango"`). */
  readonly tracerName?: string;
  /** Return `false` to trace nothing for this request (e.g. health probes). */
  readonly filter?: (ctx: C) => boolean;
  /** Extra attributes for the span; called only when the span is recording. */
  readonly attributes?: (ctx: C) => Attributes;
}

const SPAN_OPTIONS: SpanOptions = Object.freeze({ kind: SpanKind.SERVER });

/**
 * Where `@opentelemetry/core` keeps the request's RPC metadata; instrumentation-http
 * reads `route` from it for its span name, `http.route` and its metrics. Context keys
 * are `Symbol.for(description)`, so the key is shared without depending on core.
 */
const RPC_METADATA = createContextKey("OpenTelemetry SDK Context Key RPC_METADATA");

/**
 * HTTP middleware creating (or enriching) the request's server span. Put it first in
 * `httpMiddleware`. Without a registered OpenTelemetry SDK it only calls `next()`.
 * @example
 * createApp({ routes, httpMiddleware: [tracingHttpMiddleware({ filter: (c) => !c.path.startsWith("/health") })] });
 */
export function tracingHttpMiddleware<C extends HttpContext = HttpContext>(
  opts: HttpTracingOptions<C> = {},
): Middleware<C> {
  const handle = new TracerHandle(opts.tracerName ?? "vango");
  const { filter, attributes } = opts;

  return (ctx, next) => {
    const tracer = handle.get();
    if (tracer === undefined) return next();
    if (filter !== undefined && !filter(ctx)) return next();
    const active = context.active();
    const upstream = trace.getSpan(active);
    if (upstream !== undefined) return enrich(upstream, active, ctx, next);

    const method = normalizeMethod(ctx.req.method);
    const parent = propagation.extract(active, ctx.req.headers);
    const span = tracer.startSpan(methodSpanName(method), SPAN_OPTIONS, parent);
    if (span.isRecording()) {
      span.setAttribute(Attr.httpMethod, method);
      if (method === OTHER_METHOD) {
        span.setAttribute(`${Attr.httpMethod}_original`, ctx.req.method ?? "");
      }
      span.setAttribute(Attr.urlPath, ctx.path);
      if (attributes !== undefined) span.setAttributes(attributes(ctx));
    }
    echo(ctx, span);
    return runServerSpan(span, trace.setSpan(parent, span), ctx, method, next);
  };
}

async function runServerSpan(
  span: Span,
  ctxWithSpan: Context,
  ctx: HttpContext,
  method: string,
  next: Next,
): Promise<void> {
  try {
    await context.with(ctxWithSpan, next);
  } catch (err) {
    recordError(span, err);
    throw err;
  } finally {
    if (span.isRecording()) finish(span, ctx, method);
    span.end();
  }
}

async function enrich(span: Span, active: Context, ctx: HttpContext, next: Next): Promise<void> {
  echo(ctx, span);
  try {
    await next();
  } catch (err) {
    recordError(span, err);
    throw err;
  } finally {
    const route = ctx.route;
    if (route !== undefined) {
      const meta = active.getValue(RPC_METADATA) as { route?: string } | undefined;
      if (meta !== null && typeof meta === "object") meta.route = route;
      if (span.isRecording()) {
        span.setAttribute(Attr.httpRoute, route);
        span.updateName(`${methodSpanName(normalizeMethod(ctx.req.method))} ${route}`);
      }
    }
  }
}

function echo(ctx: HttpContext, span: Span): void {
  const sc = span.spanContext();
  if (!ctx.res.headersSent && trace.isSpanContextValid(sc)) {
    ctx.res.setHeader(TRACEPARENT, formatTraceparent(sc));
  }
}

function finish(span: Span, ctx: HttpContext, method: string): void {
  const route = ctx.route;
  if (route !== undefined) {
    span.setAttribute(Attr.httpRoute, route);
    span.updateName(`${methodSpanName(method)} ${route}`);
  }
  // Unhandled (left to an Express `next`) or failed before writing: no status to report.
  if (!ctx.handled || !ctx.res.headersSent) return;
  const status = ctx.res.statusCode;
  span.setAttribute(Attr.httpStatus, status);
  // Semantic conventions: for server spans only 5xx is an error; 4xx is the client's.
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
}
