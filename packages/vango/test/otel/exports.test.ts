import { describe, expect, it } from "vitest";
import * as otel from "../../src/otel.ts";

describe("vango/otel entry", () => {
  it("exports exactly these runtime names", () => {
    expect(Object.keys(otel).sort()).toEqual([
      "TraceAttr",
      "tracingEventMiddleware",
      "tracingHttpMiddleware",
    ]);
  });

  it("TraceAttr lists the attribute names the spans use", () => {
    expect(Object.values(otel.TraceAttr).sort()).toEqual([
      "enduser.id",
      "error.type",
      "http.request.method",
      "http.response.status_code",
      "http.route",
      "url.path",
      "vango.event_target",
      "vango.event_type",
      "vango.patch_count",
      "vango.route",
      "vango.session_id",
    ]);
  });
});
