/** W3C Trace Context `traceparent` for a response header. */
import type { SpanContext } from "@opentelemetry/api";

export const TRACEPARENT = "traceparent";

/**
 * Formats `sc` as a version-00 `traceparent` (W3C Trace Context §3.2).
 * @example formatTraceparent(span.spanContext()) // "00-4bf9…4736-00f0…02b7-01"
 */
export function formatTraceparent(sc: SpanContext): string {
  const flags = sc.traceFlags & 0xff;
  return `00-${sc.traceId}-${sc.spanId}-${flags < 16 ? "0" : ""}${flags.toString(16)}`;
}
