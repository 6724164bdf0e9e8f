/**
 * Request methods as OpenTelemetry HTTP semantic conventions want them: the known
 * methods as-is, anything else `_OTHER` (the span name then uses `HTTP`), so a client
 * cannot inflate span-name cardinality with made-up methods.
 */

const KNOWN = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "CONNECT",
  "TRACE",
]);

export const OTHER_METHOD = "_OTHER";

/** @example normalizeMethod("GET") // "GET"; normalizeMethod("BREW") // "_OTHER" */
export function normalizeMethod(m: string | undefined): string {
  return m !== undefined && KNOWN.has(m) ? m : OTHER_METHOD;
}

/** Span-name prefix for a normalized method. */
export function methodSpanName(method: string): string {
  return method === OTHER_METHOD ? "HTTP" : method;
}
