/**
 * OTLP export: the demo's SDK setup (`examples/demo/src/otel-setup.ts`) sends spans as
 * OTLP/JSON to a local receiver, with parent links intact — in-process, and in a child
 * process started exactly like the demo (`--import instrument.ts`, ESM-imported drivers,
 * real Postgres and Redis).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setupTracing } from "../../../../../examples/demo/src/otel-setup.ts";
import type { TracedEventContext } from "../../../src/observability/tracing/event-tracing.ts";
import { tracingEventMiddleware } from "../../../src/otel.ts";
import { EventType } from "../../../src/protocol/constants.ts";
import { compose } from "../../../src/server/core/middleware.ts";
import { type Receiver, startReceiver } from "./otlp-receiver.ts";
import { unregisterSdk } from "./tracing-sdk.ts";

const SERVER = 2; // OTLP SPAN_KIND_SERVER
const CLIENT = 3; // OTLP SPAN_KIND_CLIENT
const TID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SID = "00f067aa0ba902b7";
const ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));

type Ctx = TracedEventContext & { patchCount: number };

describe("OTLP/HTTP export", () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(() => rx.close());

  it("setupTracing exports event spans and their children to <endpoint>/v1/traces", async () => {
    const tracing = setupTracing({
      endpoint: `${rx.endpoint}/`,
      serviceName: "otel-test",
      instrumentations: [],
    });
    try {
      const run = compose<Ctx>([tracingEventMiddleware<Ctx>()], async (ctx) => {
        await new Promise((r) => setTimeout(r, 1));
        trace.getTracer("app").startSpan("work").end();
        ctx.patchCount = 5;
      });
      await run({
        sessionId: "s-otlp",
        route: "/todos",
        eventName: "submit",
        hid: 12,
        event: { type: EventType.Submit, fields: [] },
        patchCount: 0,
      });
      await tracing.shutdown();
    } finally {
      unregisterSdk();
    }
    expect(rx.paths).toEqual(["/v1/traces"]);
    const submit = rx.byName("vango.submit");
    const work = rx.byName("work");
    expect(submit).toMatchObject({
      service: "otel-test",
      scope: "vango",
      kind: SERVER,
      parentSpanId: "",
    });
    expect(submit.attributes).toEqual({
      "vango.session_id": "s-otlp",
      "vango.event_type": "submit",
      "vango.event_target": 12,
      "vango.route": "/todos",
      "vango.patch_count": 5,
    });
    expect(work.parentSpanId).toBe(submit.spanId);
    expect(work.traceId).toBe(submit.traceId);
  });

  it("the demo's --import instrument.ts traces ESM pg/ioredis/http in a real process", async () => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        "--import",
        "./examples/demo/src/instrument.ts",
        "packages/vango/test/observability/tracing/fixtures/export-child.ts",
        `00-${TID}-${SID}-01`,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint },
        stdio: ["ignore", "inherit", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });

    // Page request: instrumentation-http's server span continues the caller's trace,
    // the Vango middleware named it by route; the page's query is its child.
    const page = rx.byName("GET /items/:id");
    expect(page).toMatchObject({
      scope: "@opentelemetry/instrumentation-http",
      kind: SERVER,
      traceId: TID,
      parentSpanId: SID,
    });
    expect(page.attributes["http.route"]).toBe("/items/:id");
    const queries = rx.spans.filter((s) => s.name === "pg.query:SELECT test");
    expect(queries.map((q) => q.kind)).toEqual([CLIENT, CLIENT]);
    const pageQuery = queries.find((q) => q.traceId === TID);
    expect(pageQuery?.parentSpanId).toBe(page.spanId);

    // Event: a root trace of its own; the query and the Redis GET are its children.
    const click = rx.byName("vango.click");
    expect(click).toMatchObject({ scope: "vango", kind: SERVER, parentSpanId: "" });
    expect(click.attributes["vango.patch_count"]).toBe(2);
    const clickQuery = queries.find((q) => q.traceId === click.traceId);
    expect(clickQuery?.parentSpanId).toBe(click.spanId);
    expect(rx.byName("get")).toMatchObject({
      scope: "@opentelemetry/instrumentation-ioredis",
      traceId: click.traceId,
      parentSpanId: click.spanId,
    });
  });
});
