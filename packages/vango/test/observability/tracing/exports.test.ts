import { describe, expect, it } from "vitest";
import * as otel from "../../../src/otel.ts";

describe("vango/otel attributes", () => {
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
