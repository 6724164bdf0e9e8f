/**
 * Full path through `createApp`: an SSR request and a click over a real WebSocket,
 * with both tracing middlewares installed through the app options. The click handler
 * queries the real Postgres; the query span is a child of the event span.
 */
import { createRequire } from "node:module";
import { SpanKind } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { tracingEventMiddleware, tracingHttpMiddleware } from "../../../src/otel.ts";
import { FrameType, PatchOp } from "../../../src/protocol/constants.ts";
import { signal } from "../../../src/reactive/signal.ts";
import { getPage, start, TestSocket } from "../../server/helpers.ts";
import { registerTestSdk } from "./tracing-sdk.ts";

const sdk = registerTestSdk();
const unregister = registerInstrumentations({ instrumentations: [new PgInstrumentation()] });
const { Pool } = createRequire(import.meta.url)("pg") as typeof pg;
const pool = new Pool({ host: "127.0.0.1", user: "postgres", database: "test", max: 1 });

/** hids: div 2, p 3, button 4. */
function Item(props: { params: { id: string } }) {
  const n = signal(0);
  return () => (
    <div>
      <p>{`${props.params.id}:${n()}`}</p>
      <button
        type="button"
        onClick={async () => {
          const { rows } = await pool.query<{ v: number }>("SELECT 1 AS v");
          n.set(n() + rows[0]!.v);
        }}
      >
        +
      </button>
    </div>
  );
}

async function spanNamed(name: string) {
  for (let i = 0; i < 100 && !sdk.spans().some((s) => s.name === name); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return sdk.byName(name);
}

describe("tracing through createApp", () => {
  afterAll(async () => {
    await pool.end();
    unregister();
    await sdk.stop();
  });

  it("traces the page request and a click whose pg query is a child span", async () => {
    const srv = await start({
      routes: { "/items/:id": Item },
      eventMiddleware: [tracingEventMiddleware()],
      httpMiddleware: [tracingHttpMiddleware()],
    });
    try {
      const page = await getPage(srv.base, "/items/5");
      expect(page.status).toBe(200);
      const get = await spanNamed("GET /items/:id");
      expect(get.kind).toBe(SpanKind.SERVER);
      expect(get.attributes).toEqual({
        "http.request.method": "GET",
        "url.path": "/items/5",
        "http.route": "/items/:id",
        "http.response.status_code": 200,
      });
      const gsc = get.spanContext();
      expect(page.headers.get("traceparent")).toBe(`00-${gsc.traceId}-${gsc.spanId}-01`);

      const sock = await TestSocket.open(srv.port, page.cookie);
      await sock.attach(page);
      sock.click(4);
      expect(await sock.next()).toEqual({
        type: FrameType.Patches,
        seq: 1,
        cseq: 1,
        patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text: "5:1" }],
      });
      const click = await spanNamed("vango.click");
      sock.close();
      expect(click.kind).toBe(SpanKind.SERVER);
      expect(click.parentSpanContext).toBeUndefined();
      expect(click.attributes).toEqual({
        "vango.session_id": expect.stringMatching(/.+/),
        "vango.event_type": "click",
        "vango.event_target": 4,
        "vango.route": "/items/:id",
        "vango.patch_count": 1,
      });
      const query = sdk.byName("pg.query:SELECT test");
      expect(query.parentSpanContext?.spanId).toBe(click.spanContext().spanId);
      expect(query.spanContext().traceId).toBe(click.spanContext().traceId);
    } finally {
      await srv.close();
    }
  });
});
