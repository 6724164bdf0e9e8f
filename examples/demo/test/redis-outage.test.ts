/**
 * Issue 10, defect 8, end to end: the demo with `REDIS_URL` (rate-limit budgets in
 * Redis) while Redis is down. Pages took ~10 s each with the demo's former client
 * options; now the store's circuit opens after a few deadlines and pages are served at
 * once, readiness says which dependency is down, and SIGTERM still exits promptly.
 * Runs on a redis-server of its own, never the shared one.
 */
import { DEFAULT_TIMEOUTS } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisProcess } from "../../../packages/vango/test/server/redis-process.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";

let redis: RedisProcess;
let demo: DemoProcess | undefined;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  demo?.kill();
  await redis.stop();
});

describe("demo with REDIS_URL while Redis is down", () => {
  it("serves pages fast, reports the outage in readiness and exits promptly", async () => {
    demo = await startDemo({ REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    const page = await fetch(demo.base + "/");
    await page.text();
    expect(page.headers.get("ratelimit-limit")).not.toBeNull(); // budgets live in Redis

    await redis.stop();
    const ms: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await fetch(demo.base + "/");
      await res.text();
      expect(res.status).toBe(200);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    expect(ms[10]!).toBeLessThan(100);
    expect(ms.at(-1)!).toBeLessThan(1_500);

    const ready = await fetch(demo.base + "/health/ready");
    const body = (await ready.json()) as {
      checks: Record<string, { status: string; state?: string }>;
    };
    // The PING probe fails (503); the limiter rides through the outage (degraded).
    expect(ready.status).toBe(503);
    expect(body.checks.redis?.status).toBe("fail");
    expect(body.checks.rate_limit_store).toMatchObject({ status: "degraded", state: "open" });
    expect(demo.output().match(/circuit open/g)?.length).toBe(1);

    const t0 = performance.now();
    demo.child.kill("SIGTERM");
    expect(await demo.exited).toBe(0);
    expect(performance.now() - t0).toBeLessThan(DEFAULT_TIMEOUTS.shutdownMs + 2_000);
  }, 45_000);
});
