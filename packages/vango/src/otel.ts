/**
 * `vango/otel`: OpenTelemetry tracing middleware. Depends on `@opentelemetry/api` only;
 * the app registers an SDK (see `docs/observability.md`), otherwise these cost nothing.
 */
export { Attr as TraceAttr } from "./observability/tracing/attributes.ts";
export {
  type EventTracingOptions,
  type TracedEventContext,
  tracingEventMiddleware,
} from "./observability/tracing/event-tracing.ts";
export {
  type HttpTracingOptions,
  tracingHttpMiddleware,
} from "./observability/tracing/http-tracing.ts";
