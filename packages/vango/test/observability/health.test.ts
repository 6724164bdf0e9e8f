import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHealth, type ReadyReport } from "../../src/observability/health.ts";
import { createMetrics } from "../../src/observability/metrics.ts";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: false });
const pool = new pg.Pool({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test" });
afterAll(async () => {
  redis.disconnect();
  await pool.end();
});

describe("createHealth", () => {
  it("live answers 200 always; unknown paths fall through", async () => {
    const health = createHealth({
      checks: { custom: { broken: () => Promise.reject(new Error()) } },
    });
    const base = await serve((req, res) => {
      if (!health.handle(req, res)) res.writeHead(418).end();
    });
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    expect((await fetch(`${base}/health/other`)).status).toBe(418);
    expect((await fetch(`${base}/healthz`)).status).toBe(418);
    const post = await fetch(`${base}/health/live`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("ready is 200 with the real Redis and Postgres, per-check latency, and sets dependency_up", async () => {
    const metrics = createMetrics({ collectDefault: false });
    const health = createHealth({
      checks: { redis, postgres: pool, custom: { queue: async () => {} } },
      metrics,
    });
    const base = await serve((req, res) => health.handle(req, res));
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as ReadyReport;
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks)).toEqual(["redis", "postgres", "queue"]);
    for (const c of Object.values(body.checks)) {
      expect(c.status).toBe("ok");
      expect(c.error).toBeUndefined();
      expect(c.latency_ms).toBeGreaterThanOrEqual(0);
      expect(c.latency_ms).toBeLessThan(2000);
    }
    const text = await metrics.render();
    expect(text).toContain('vango_dependency_up{name="redis"} 1\n');
    expect(text).toContain('vango_dependency_up{name="postgres"} 1\n');
    expect(text).toContain('vango_dependency_up{name="queue"} 1\n');
  });

  it("ready is 503 within the timeout when Redis and Postgres are unreachable", async () => {
    const deadRedis = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: false });
    deadRedis.on("error", () => {});
    const deadPool = new pg.Pool({
      host: "127.0.0.1",
      port: 1,
      user: "postgres",
      database: "test",
    });
    closers.push(async () => {
      deadRedis.disconnect();
      await deadPool.end();
    });
    const metrics = createMetrics({ collectDefault: false });
    // Postgres' refusal comes back well within it even when a stall of the machine delays
    // reading it; Redis (retrying) runs into it.
    const timeoutMs = 600;
    const health = createHealth({
      checks: { redis: deadRedis, postgres: deadPool, custom: { fine: async () => {} } },
      timeoutMs,
      metrics,
    });
    const base = await serve((req, res) => health.handle(req, res));
    const t0 = performance.now();
    const res = await fetch(`${base}/health/ready`);
    const took = performance.now() - t0;
    expect(res.status).toBe(503);
    expect(took).toBeLessThan(timeoutMs + 700);
    const body = (await res.json()) as ReadyReport;
    expect(body.status).toBe("fail");
    expect(body.checks.redis).toMatchObject({ status: "fail", error: "timeout" });
    expect(body.checks.postgres).toMatchObject({ status: "fail", error: "ECONNREFUSED" });
    expect(body.checks.fine).toMatchObject({ status: "ok" });
    expect(body.checks.redis!.latency_ms).toBeGreaterThanOrEqual(timeoutMs - 1);
    const text = await metrics.render();
    expect(text).toContain('vango_dependency_up{name="redis"} 0\n');
    expect(text).toContain('vango_dependency_up{name="postgres"} 0\n');
    expect(text).toContain('vango_dependency_up{name="fine"} 1\n');
  });

  it("bounds a hanging check, counts a synchronous throw as failed, verbose shows messages", async () => {
    const health = createHealth({
      timeoutMs: 50,
      verbose: true,
      checks: {
        custom: {
          hang: () => new Promise(() => {}),
          sync: () => {
            throw new Error("boom");
          },
        },
      },
    });
    const r = await health.ready();
    expect(r.status).toBe("fail");
    expect(r.checks.hang).toMatchObject({ status: "fail", error: "timeout" });
    expect(r.checks.sync).toMatchObject({ status: "fail", error: "boom" });
  });

  it("shares one run between concurrent probes", async () => {
    let runs = 0;
    const health = createHealth({
      checks: {
        custom: {
          slow: async () => {
            runs++;
            await new Promise((r) => setTimeout(r, 30));
          },
        },
      },
    });
    const [a, b, c] = await Promise.all([health.ready(), health.ready(), health.ready()]);
    expect(runs).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
    await health.ready();
    expect(runs).toBe(2);
  });

  it("startup reports config validation; ready reports shutting_down after setShuttingDown", async () => {
    let calls = 0;
    const bad = createHealth({
      startupValidate: () => {
        calls++;
        return ["SESSION_SECRET is shorter than 32 bytes"];
      },
    });
    const base = await serve((req, res) => bad.handle(req, res));
    const res = await fetch(`${base}/health/startup`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "fail",
      errors: ["SESSION_SECRET is shorter than 32 bytes"],
    });
    await fetch(`${base}/health/startup`);
    expect(calls).toBe(1);

    const good = createHealth({ startupValidate: () => [] });
    expect(good.startup()).toEqual({ status: "ok", errors: [] });
    expect(await good.ready()).toEqual({ status: "ok", checks: {} });
    good.setShuttingDown();
    expect(await good.ready()).toEqual({ status: "shutting_down", checks: {} });
  });

  it("reads watched dependencies: degraded keeps readiness at 200, fail turns it 503", async () => {
    const metrics = createMetrics({ collectDefault: false });
    const health = createHealth({ metrics });
    let state: { status: "ok" | "degraded" | "fail"; state: string; error?: string } = {
      status: "ok",
      state: "closed",
    };
    health.watch("store", { status: () => state });
    const base = await serve((req, res) => health.handle(req, res));
    const probe = async () => {
      const res = await fetch(`${base}/health/ready`);
      return { code: res.status, body: (await res.json()) as ReadyReport };
    };
    expect(await probe()).toEqual({
      code: 200,
      body: {
        status: "ok",
        checks: { store: { status: "ok", latency_ms: expect.any(Number), state: "closed" } },
      },
    });
    state = { status: "degraded", state: "open", error: "circuit_open" };
    expect(await probe()).toMatchObject({
      code: 200,
      body: {
        status: "degraded",
        checks: { store: { status: "degraded", state: "open", error: "circuit_open" } },
      },
    });
    expect(await metrics.registry.getSingleMetricAsString("vango_dependency_up")).toContain(
      'vango_dependency_up{name="store"} 0',
    );
    state = { status: "fail", state: "open", error: "circuit_open" };
    expect((await probe()).code).toBe(503);
  });

  it("a failing probe outweighs a degraded watched dependency", async () => {
    const health = createHealth({ checks: { custom: { db: () => Promise.reject(new Error()) } } });
    health.watch("store", { status: () => ({ status: "degraded", state: "open" }) });
    expect((await health.ready()).status).toBe("fail");
    expect(() => health.watch("db", { status: () => ({ status: "ok", state: "closed" }) })).toThrow(
      RangeError,
    );
    expect(() =>
      health.watch("store", { status: () => ({ status: "ok", state: "closed" }) }),
    ).toThrow(RangeError);
  });

  it("rejects reserved custom check names", () => {
    expect(() => createHealth({ checks: { custom: { redis: async () => {} } } })).toThrow(
      RangeError,
    );
  });
});
