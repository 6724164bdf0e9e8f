/**
 * `tracingEventMiddleware`: one SERVER span per WebSocket event, with the handler (and
 * the render it triggers) running inside the span's context, so `pg`, `ioredis`, `fetch`
 * … calls an instrumented SDK sees in the handler become child spans.
 */
import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  type SpanOptions,
  trace,
} from "@opentelemetry/api";
import { EventType } from "../../protocol/constants.ts";
import { type Middleware, type Next, PASS_THROUGH } from "../../server/core/middleware.ts";
import type { EventContext } from "../../server/session/event-context.ts";
import { Attr } from "./attributes.ts";
import { EventSpanNames, ignoredSpanNames } from "./event-span-name.ts";
import { recordError } from "./record-error.ts";
import { TracerHandle } from "./tracer-handle.ts";

/** What the event tracing middleware reads from an event context. */
export interface TracedEventContext {
  readonly sessionId: string;
  readonly route: string;
  readonly eventName: string;
  readonly hid: number;
  readonly event: EventContext["event"];
  readonly patchCount: number;
  /** Authenticated user, when an auth middleware put one on the context. */
  readonly userId?: string | undefined;
}

export interface EventTracingOptions<C extends TracedEventContext = EventContext> {
  /** Instrumentation scope name of the tracer (default `"vango"`). */
  readonly tracerName?: string;
  /** Return `false` to trace nothing for this event (no span, handler runs untraced). */
  readonly filter?: (ctx: C) => boolean;
  /**
   * Events to never trace: DOM event names (`"pointermove"`), `"hook.<name>"` for one
   * hook, `"hook"` for all hooks.
   */
  readonly ignoreEvents?: readonly string[];
  /** Extra attributes for the span; called only when the span is recording. */
  readonly attributes?: (ctx: C) => Attributes;
  /** Set `enduser.id` from `ctx.userId` (off by default: user ids are personal data). */
  readonly recordUserId?: boolean;
}

// Each event is its own trace: a WebSocket message has no meaningful parent, and an
// ambient context leaking into the socket would chain every event of every session
// under one span.
const SPAN_OPTIONS: SpanOptions = Object.freeze({ kind: SpanKind.SERVER, root: true });

/**
 * Event middleware creating a span per event: `vango.click`, `vango.input`,
 * `vango.submit`, `vango.navigate`, `vango.hook.<name>`, `vango.<event>` for the rest.
 * Put it first in `eventMiddleware` so the spans cover the other middleware too.
 * Without a registered OpenTelemetry SDK it only calls `next()`.
 * @example
 * createApp({ routes, eventMiddleware: [tracingEventMiddleware({ ignoreEvents: ["pointermove"] })] });
 */
export function tracingEventMiddleware<C extends TracedEventContext = EventContext>(
  opts: EventTracingOptions<C> = {},
): Middleware<C> {
  const handle = new TracerHandle(opts.tracerName ?? "vango");
  const names = new EventSpanNames();
  const ignored = ignoredSpanNames(opts.ignoreEvents ?? []);
  const anyIgnored = ignored.allHooks || ignored.names.size > 0;
  const { filter, attributes } = opts;
  const recordUserId = opts.recordUserId === true;

  const mw: Middleware<C> = (ctx, next) => {
    const tracer = handle.get();
    if (tracer === undefined) return next();
    const ev = ctx.event;
    const isHook = ev.type === EventType.Hook;
    const name = isHook ? names.hook(ev.name) : names.dom(ctx.eventName);
    if (anyIgnored && (ignored.names.has(name) || (isHook && ignored.allHooks))) return next();
    if (filter !== undefined && !filter(ctx)) return next();

    const span = tracer.startSpan(name, SPAN_OPTIONS);
    if (!span.isRecording()) return runIn(span, next);
    span.setAttribute(Attr.sessionId, ctx.sessionId);
    span.setAttribute(Attr.eventType, isHook ? "hook" : ctx.eventName);
    span.setAttribute(Attr.eventTarget, ctx.hid);
    span.setAttribute(Attr.route, ctx.route);
    if (attributes !== undefined) span.setAttributes(attributes(ctx));
    return runRecorded(span, ctx, next, recordUserId);
  };
  // With no SDK registered the chain skips this middleware per event (PASS_THROUGH).
  return Object.assign(mw, { [PASS_THROUGH]: () => handle.get() === undefined });
}

/** Runs `next` in `span`'s context (unsampled: children must inherit the decision). */
async function runIn(span: Span, next: Next): Promise<void> {
  try {
    await context.with(trace.setSpan(context.active(), span), next);
  } finally {
    span.end();
  }
}

async function runRecorded(
  span: Span,
  ctx: TracedEventContext,
  next: Next,
  recordUserId: boolean,
): Promise<void> {
  try {
    await context.with(trace.setSpan(context.active(), span), next);
    span.setAttribute(Attr.patchCount, ctx.patchCount);
  } catch (err) {
    recordError(span, err);
    throw err;
  } finally {
    // Read at the end: an auth middleware inside this one may set it during next().
    if (recordUserId && ctx.userId !== undefined) span.setAttribute(Attr.endUserId, ctx.userId);
    span.end();
  }
}
