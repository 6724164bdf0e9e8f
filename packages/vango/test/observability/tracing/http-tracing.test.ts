import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tracingHttpMiddleware } from "../../../src/observability/tracing/http-tracing.ts";
import { serve, type TestServer, usersApp } from "./http-server.ts";
import { registerTestSdk, type TestSdk } from "./tracing-sdk.ts";

const TID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SID = "00f067aa0ba902b7";

describe("tracingHttpMiddleware with an SDK", () => {
  let sdk: TestSdk;
  let srv: TestServer;
  beforeEach(async () => {
    sdk = registerTestSdk();
    srv = await serve(
      [tracingHttpMiddleware({ filter: (c) => c.path !== "/health" })],
      async (ctx) => {
        if (ctx.path === "/health") {
          ctx.res.end("ok");
          return;
        }
        trace.getTracer("app").startSpan("query").end();
        await usersApp(ctx);
      },
    );
  });
  afterEach(async () => {
    await srv.close();
    await sdk.stop();
  });

  it("names the span by route template and echoes its traceparent", async () => {
    const res = await fetch(`${srv.base}/users/42?tab=1`);
    expect(res.status).toBe(200);
    const s = sdk.byName("GET /users/:id");
    expect(s.kind).toBe(SpanKind.SERVER);
    expect(s.attributes).toEqual({
      "http.request.method": "GET",
      "url.path": "/users/42",
      "http.route": "/users/:id",
      "http.response.status_code": 200,
    });
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(s.parentSpanContext).toBeUndefined();
    const sc = s.spanContext();
    expect(res.headers.get("traceparent")).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
    expect(sdk.byName("query").parentSpanContext?.spanId).toBe(sc.spanId);
  });

  it("continues an incoming traceparent and answers with its own span id", async () => {
    const res = await fetch(`${srv.base}/users/1`, {
      headers: { traceparent: `00-${TID}-${SID}-01` },
    });
    const s = sdk.byName("GET /users/:id");
    expect(s.spanContext().traceId).toBe(TID);
    expect(s.parentSpanContext).toMatchObject({ traceId: TID, spanId: SID, isRemote: true });
    expect(res.headers.get("traceparent")).toBe(`00-${TID}-${s.spanContext().spanId}-01`);
  });

  it("keeps the sampled flag of the caller (unsampled parent: no span, flags 00)", async () => {
    const res = await fetch(`${srv.base}/users/1`, {
      headers: { traceparent: `00-${TID}-${SID}-00` },
    });
    expect(sdk.spans()).toHaveLength(0);
    expect(res.headers.get("traceparent")).toMatch(new RegExp(`^00-${TID}-[0-9a-f]{16}-00$`));
  });

  it("unmatched paths are named by method only; 5xx and throws are errors", async () => {
    await fetch(`${srv.base}/nope/123`);
    await fetch(`${srv.base}/oops`);
    const failed = await fetch(`${srv.base}/fail`);
    expect(failed.status).toBe(500);
    const get = sdk.byName("GET");
    expect(get.attributes).toEqual({
      "http.request.method": "GET",
      "url.path": "/nope/123",
      "http.response.status_code": 404,
    });
    expect(get.status.code).toBe(SpanStatusCode.UNSET);
    expect(sdk.byName("GET /oops").status.code).toBe(SpanStatusCode.ERROR);
    const fail = sdk.byName("GET /fail");
    expect(fail.status).toEqual({ code: SpanStatusCode.ERROR, message: "render failed" });
    expect(fail.attributes["error.type"]).toBe("internal_error");
    expect(fail.attributes).not.toHaveProperty("http.response.status_code");
    expect(fail.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it("bounds method names and skips filtered requests", async () => {
    await fetch(`${srv.base}/users/1`, { method: "PURGE" });
    const health = await fetch(`${srv.base}/health`);
    expect(health.headers.get("traceparent")).toBeNull();
    const purge = sdk.byName("HTTP /users/:id");
    expect(purge.attributes["http.request.method"]).toBe("_OTHER");
    expect(purge.attributes["http.request.method_original"]).toBe("PURGE");
    expect(sdk.spans()).toHaveLength(2); // PURGE + its "query"; nothing for /health
  });
});

describe("tracingHttpMiddleware without an SDK", () => {
  it("only calls next: no header, no span", async () => {
    const srv = await serve([tracingHttpMiddleware()], usersApp);
    try {
      const res = await fetch(`${srv.base}/users/1`, {
        headers: { traceparent: `00-${TID}-${SID}-01` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("traceparent")).toBeNull();
    } finally {
      await srv.close();
    }
  });
});
