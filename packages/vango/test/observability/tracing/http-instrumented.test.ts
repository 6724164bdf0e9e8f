/**
 * With `@opentelemetry/instrumentation-http` active, the request already has a SERVER
 * span: the middleware reuses it (route in name and `http.route`, traceparent echo)
 * instead of nesting a second SERVER span.
 */
import { createRequire } from "node:module";
import { context, createContextKey, SpanKind, trace } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { afterAll, describe, expect, it } from "vitest";
import { tracingHttpMiddleware } from "../../../src/observability/tracing/http-tracing.ts";
import { serve, usersApp } from "./http-server.ts";
import { registerTestSdk } from "./tracing-sdk.ts";

const sdk = registerTestSdk();
const unregister = registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");

/** Where instrumentation-http keeps the request's route for its span and metrics. */
const RPC_METADATA = createContextKey("OpenTelemetry SDK Context Key RPC_METADATA");

describe("tracingHttpMiddleware under instrumentation-http", () => {
  afterAll(async () => {
    unregister();
    await sdk.stop();
  });

  it("enriches the instrumentation's server span instead of nesting one", async () => {
    let meta: { route?: string } | undefined;
    const srv = await serve(
      [tracingHttpMiddleware()],
      async (ctx) => {
        meta = context.active().getValue(RPC_METADATA) as { route?: string } | undefined;
        trace.getTracer("app").startSpan("query").end();
        await usersApp(ctx);
      },
      http.createServer(),
    );
    let header: string | null;
    try {
      header = (await fetch(`${srv.base}/users/9`)).headers.get("traceparent");
      // instrumentation-http ends its span on the response's finish, after the client saw it.
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      await srv.close();
    }
    const servers = sdk.spans().filter((s) => s.kind === SpanKind.SERVER);
    expect(servers.map((s) => [s.name, s.instrumentationScope.name])).toEqual([
      ["GET /users/:id", "@opentelemetry/instrumentation-http"],
    ]);
    const s = servers[0]!;
    expect(s.attributes["http.route"]).toBe("/users/:id");
    const sc = s.spanContext();
    expect(header).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
    expect(sdk.byName("query").parentSpanContext?.spanId).toBe(sc.spanId);
    expect(meta?.route).toBe("/users/:id");
  });
});
