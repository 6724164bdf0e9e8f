/**
 * Span attribute names Vango sets. The `vango.*` names are Vango's own; the others are
 * OpenTelemetry semantic conventions (HTTP server spans, `enduser.id`, `error.type`).
 */
export const Attr = {
  sessionId: "vango.session_id",
  eventType: "vango.event_type",
  eventTarget: "vango.event_target",
  route: "vango.route",
  patchCount: "vango.patch_count",
  endUserId: "enduser.id",
  errorType: "error.type",
  httpMethod: "http.request.method",
  httpRoute: "http.route",
  httpStatus: "http.response.status_code",
  urlPath: "url.path",
} as const;
export type Attr = (typeof Attr)[keyof typeof Attr];
