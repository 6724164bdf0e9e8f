/**
 * Integration against the real Postgres and Redis: with instrumentation-pg and
 * instrumentation-ioredis registered before the drivers load, a query and a command made
 * in an async event handler are children of the event span, with no code in the handler.
 *
 * The drivers are loaded with `require` after registration: require-in-the-middle patches
 * CommonJS loads; ESM `import` of them needs the import-in-the-middle loader hook, which
 * `otel-export.test.ts` covers in a child process started the way the demo starts.
 */
import { createRequire } from "node:module";
import { SpanKind } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import type * as ioredis from "ioredis";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type TracedEventContext,
  tracingEventMiddleware,
} from "../../../src/observability/tracing/event-tracing.ts";
import { EventType } from "../../../src/protocol/constants.ts";
import { compose } from "../../../src/server/core/middleware.ts";
import { registerTestSdk } from "./tracing-sdk.ts";

const sdk = registerTestSdk();
const unregister = registerInstrumentations({
  instrumentations: [new PgInstrumentation(), new IORedisInstrumentation()],
});
const require = createRequire(import.meta.url);
const { Pool } = require("pg") as typeof pg;
const { Redis } = require("ioredis") as typeof ioredis;

const KEY = `vango:test:otel:${process.pid}`;

type Ctx = TracedEventContext & { patchCount: number };

describe("event spans parent pg and ioredis spans", () => {
  let pool: pg.Pool;
  let redis: ioredis.Redis;
  beforeAll(async () => {
    pool = new Pool({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test", max: 1 });
    redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    await redis.del(KEY);
    redis.disconnect();
    await pool.end();
    unregister();
    await sdk.stop();
  });

  it("a SELECT 1 and a GET in an async click handler are children of vango.click", async () => {
    const run = compose<Ctx>([tracingEventMiddleware<Ctx>()], async (ctx) => {
      await new Promise((r) => setTimeout(r, 1));
      const { rows } = await pool.query("SELECT 1 AS one");
      await redis.set(KEY, String(rows[0].one));
      ctx.patchCount = (await redis.get(KEY)) === "1" ? 1 : 0;
    });
    sdk.exporter.reset();
    const ctx: Ctx = {
      sessionId: "s-int",
      route: "/",
      eventName: "click",
      hid: 4,
      event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
      patchCount: 0,
    };
    await run(ctx);

    const click = sdk.byName("vango.click");
    const { traceId, spanId } = click.spanContext();
    const parentOf = (name: string) => sdk.byName(name).parentSpanContext?.spanId;
    expect(click.attributes["vango.patch_count"]).toBe(1);
    expect(parentOf("pg-pool.connect")).toBe(spanId);
    expect(parentOf("pg.query:SELECT test")).toBe(spanId);
    expect(parentOf("pg.connect")).toBe(sdk.byName("pg-pool.connect").spanContext().spanId);
    expect(parentOf("set")).toBe(spanId);
    expect(parentOf("get")).toBe(spanId);
    const query = sdk.byName("pg.query:SELECT test");
    expect([
      query.kind,
      query.attributes["db.system.name"],
      query.attributes["db.query.text"],
    ]).toEqual([SpanKind.CLIENT, "postgresql", "SELECT 1 AS one"]);
    expect(sdk.byName("get").attributes["db.system.name"]).toBe("redis");
    expect(sdk.spans().every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(sdk.spans()).toHaveLength(6);
  });
});
