/**
 * Health endpoints served by `createApp` before the routes, against the real Redis and
 * Postgres on the machine, and with a dependency that is down (503, bounded in time).
 */
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Counter } from "./fixtures.tsx";
import { type Running, start } from "./helpers.ts";
import { sample } from "./metrics-text.ts";

let srv: Running | undefined;
let redis: Redis;
let pool: pg.Pool;
beforeAll(() => {
  redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: false });
  pool = new pg.Pool({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test", max: 2 });
});
afterAll(async () => {
  await redis.quit();
  await pool.end();
});
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

interface Ready {
  status: string;
  checks: Record<string, { status: string; latency_ms: number; error?: string }>;
}

async function get(path: string): Promise<{ status: number; body: Ready }> {
  const res = await fetch(srv!.base + path);
  return { status: res.status, body: (await res.json()) as Ready };
}

describe("health endpoints", () => {
  it("honours health.basePath from createApp; the default paths are then ordinary routes", async () => {
    srv = await start({ routes: { "/": Counter }, health: { basePath: "/_ops/health" } });
    expect(await get("/_ops/health/live")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get("/_ops/health/ready")).toEqual({
      status: 200,
      body: {
        status: "ok",
        checks: {
          session_store: { status: "ok", state: "closed", latency_ms: expect.any(Number) },
        },
      },
    });
    const old = await fetch(`${srv.base}/health/live`);
    expect([old.status, old.headers.get("x-vango-error")]).toEqual([404, "not_found"]);
  });

  it("answers live and ready with real Redis and Postgres reachable", async () => {
    srv = await start({ routes: { "/": Counter }, health: { checks: { redis, postgres: pool } } });
    expect(await get("/health/live")).toEqual({ status: 200, body: { status: "ok" } });
    const ready = await get("/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe("ok");
    expect(Object.keys(ready.body.checks).sort()).toEqual(["postgres", "redis", "session_store"]);
    for (const c of Object.values(ready.body.checks)) {
      expect(c.status).toBe("ok");
      expect(c.latency_ms).toBeGreaterThanOrEqual(0);
    }
    const m = await srv.app.metrics!.metrics();
    expect(sample(m, "vango_dependency_up", 'name="redis"')).toBe(1);
    expect(sample(m, "vango_dependency_up", 'name="postgres"')).toBe(1);
  });

  it("answers 503 within the timeout when a dependency is down", async () => {
    // Nothing listens on port 1: connection refused, retried by ioredis until the probe times out.
    const down = new Redis({
      host: "127.0.0.1",
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    down.on("error", () => {});
    // Postgres answers within it even when a stall of the machine delays the reply.
    const timeoutMs = 1_000;
    srv = await start({
      routes: { "/": Counter },
      health: {
        timeoutMs,
        checks: { redis: down, postgres: pool, custom: { flaky: async () => {} } },
      },
    });
    const t0 = performance.now();
    const ready = await get("/health/ready");
    expect(performance.now() - t0).toBeLessThan(timeoutMs + 1_000);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe("fail");
    expect(ready.body.checks.redis!.status).toBe("fail");
    expect(["ECONNREFUSED", "timeout", "error"]).toContain(ready.body.checks.redis!.error);
    expect(ready.body.checks.postgres!.status).toBe("ok");
    expect(ready.body.checks.flaky!.status).toBe("ok");
    expect((await get("/health/live")).status).toBe(200);
    const m = await srv.app.metrics!.metrics();
    expect(sample(m, "vango_dependency_up", 'name="redis"')).toBe(0);
    down.disconnect();
  });

  it("reports startup validation and turns not ready on close", async () => {
    srv = await start({
      routes: { "/": Counter },
      health: { startupValidate: () => ["DATABASE_URL is not set"] },
    });
    const startup = await fetch(srv.base + "/health/startup");
    expect(startup.status).toBe(503);
    expect(await startup.json()).toEqual({ status: "fail", errors: ["DATABASE_URL is not set"] });
    expect((await get("/health/ready")).status).toBe(200);
    srv.app.health!.setShuttingDown();
    expect(await get("/health/ready")).toEqual({
      status: 503,
      body: { status: "shutting_down", checks: {} },
    });
  });

  it("health: false leaves /health/* to the routes (404 here)", async () => {
    srv = await start({ routes: { "/": Counter }, health: false });
    expect((await fetch(srv.base + "/health/live")).status).toBe(404);
    expect(srv.app.health).toBeUndefined();
  });
});
