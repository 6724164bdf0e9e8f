/** Marks a span as failed by `err` (exception event, `error.type`, status ERROR). */
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import { Attr } from "./attributes.ts";

/**
 * @example
 * try { await next(); } catch (err) { recordError(span, err); throw err; }
 */
export function recordError(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  if (err instanceof Error) {
    span.recordException(err);
    span.setAttribute(Attr.errorType, errorType(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  } else {
    span.recordException(String(err));
    span.setAttribute(Attr.errorType, "_OTHER");
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

function errorType(err: Error): string {
  // A coded error (`{ code: "rate_limited" }`) is a better low-cardinality type than its class.
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && code !== "" ? code : err.name;
}
