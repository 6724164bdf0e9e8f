import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ERRORS, ErrorCode } from "../../../../src/protocol/errors.ts";
import { BreakerState, CircuitBreaker } from "../../../../src/server/core/circuit-breaker.ts";
import { sendRefusal } from "../../../../src/server/core/http-error.ts";
import { clientIp } from "../../../../src/server/security/client-ip.ts";
import {
  type HttpRateLimitOptions,
  httpRateLimit,
} from "../../../../src/server/security/rate-limit/http-rate-limit.ts";
import { MemoryRateLimitStore } from "../../../../src/server/security/rate-limit/memory-store.ts";
import { RedisRateLimitStore } from "../../../../src/server/security/rate-limit/redis-store.ts";
import type { RateLimitStore } from "../../../../src/server/security/rate-limit/store.ts";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** An "app instance": a server whose handler runs the limiter, then answers 200. */
async function app(options: HttpRateLimitOptions): Promise<string> {
  const limit = httpRateLimit(options);
  const server = createServer(async (req, res) => {
    const refusal = await limit(req, res);
    if (refusal !== undefined) return sendRefusal(res, refusal);
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function memory(): MemoryRateLimitStore {
  const s = new MemoryRateLimitStore();
  closers.push(async () => s.close());
  return s;
}

const headersOf = (res: Response) => ({
  limit: res.headers.get("ratelimit-limit"),
  remaining: res.headers.get("ratelimit-remaining"),
  reset: res.headers.get("ratelimit-reset"),
  policy: res.headers.get("ratelimit-policy"),
  retryAfter: res.headers.get("retry-after"),
});

describe("httpRateLimit", () => {
  it("sets RateLimit headers, then answers 429 rate_limited with Retry-After", async () => {
    const base = await app({
      store: memory(),
      policies: [{ name: "ip", key: "ip", limit: 2, windowMs: 60_000 }],
    });
    const a = await fetch(base);
    expect(a.status).toBe(200);
    expect(headersOf(a)).toEqual({
      limit: "2",
      remaining: "1",
      reset: "30",
      policy: "2;w=60",
      retryAfter: null,
    });
    expect(headersOf(await fetch(base)).remaining).toBe("0");
    const denied = await fetch(base);
    expect(denied.status).toBe(ERRORS.rate_limited.status);
    expect(denied.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await denied.json()).toEqual({
      error: { code: ErrorCode.rate_limited, message: ERRORS.rate_limited.message },
    });
    expect(headersOf(denied)).toEqual({
      limit: "2",
      remaining: "0",
      reset: "60",
      policy: "2;w=60",
      retryAfter: "30",
    });
  });

  it("applies the stricter mutation policy to POST/PUT/PATCH/DELETE only", async () => {
    const base = await app({
      store: memory(),
      policies: [{ name: "ip", key: "ip", limit: 100, windowMs: 60_000 }],
      mutationPolicy: { limit: 2, windowMs: 60_000 },
    });
    expect((await fetch(base, { method: "POST" })).status).toBe(200);
    const second = await fetch(base, { method: "DELETE" });
    expect(headersOf(second)).toMatchObject({ limit: "2", remaining: "0", policy: "2;w=60" });
    expect((await fetch(base, { method: "PUT" })).status).toBe(429);
    const get = await fetch(base);
    expect(get.status).toBe(200);
    expect(headersOf(get)).toMatchObject({ limit: "100", remaining: "96" });
  });

  it("limits per user (skipping anonymous requests) and per route via match", async () => {
    const base = await app({
      store: memory(),
      userOf: (req) => req.headers["x-user"] as string | undefined,
      policies: [
        { name: "user", key: "user", limit: 1, windowMs: 60_000 },
        {
          name: "login",
          key: "ip",
          limit: 1,
          windowMs: 60_000,
          match: (req) => req.url === "/login",
        },
      ],
    });
    const alice = { headers: { "x-user": "alice" } };
    expect((await fetch(base, alice)).status).toBe(200);
    expect((await fetch(base, alice)).status).toBe(429);
    expect((await fetch(base, { headers: { "x-user": "bob" } })).status).toBe(200);
    const anon = await fetch(base);
    expect(anon.status).toBe(200);
    expect(anon.headers.get("ratelimit-limit")).toBeNull();
    expect((await fetch(`${base}/login`)).status).toBe(200);
    expect((await fetch(`${base}/login`)).status).toBe(429);
    expect((await fetch(`${base}/other`)).status).toBe(200);
  });

  it("keys by the forwarded client IP only when proxies are trusted", async () => {
    const store = memory();
    const policies = [{ name: "ip", key: "ip" as const, limit: 1, windowMs: 60_000 }];
    const trusting = await app({
      store,
      policies,
      ipOf: (req) => clientIp(req, { trustProxy: 1 }),
    });
    const h = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
    expect((await fetch(trusting, h("1.1.1.1"))).status).toBe(200);
    expect((await fetch(trusting, h("2.2.2.2"))).status).toBe(200);
    expect((await fetch(trusting, h("1.1.1.1"))).status).toBe(429);
    const naive = await app({ store: memory(), policies });
    expect((await fetch(naive, h("3.3.3.3"))).status).toBe(200);
    expect((await fetch(naive, h("4.4.4.4"))).status).toBe(429);
  });

  it("through a breaker: fails open by default and closed on request when the store throws", async () => {
    const broken: RateLimitStore = {
      consume: () => Promise.reject(new Error("redis down")),
      refund: () => Promise.reject(new Error("redis down")),
    };
    const policies = [{ name: "ip", key: "ip" as const, limit: 1, windowMs: 1000 }];
    const open = await app({ store: broken, policies, breaker: new CircuitBreaker() });
    expect((await fetch(open)).status).toBe(200);
    const breaker = new CircuitBreaker();
    const closed = await app({ store: broken, policies, failOpen: false, breaker });
    const res = await fetch(closed);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
  });

  it("through a breaker: a hanging store costs the deadline, then nothing while open", async () => {
    let calls = 0;
    const hanging: RateLimitStore = {
      consume: () => {
        calls++;
        return new Promise(() => {});
      },
      refund: () => new Promise(() => {}),
    };
    const policies = [{ name: "ip", key: "ip" as const, limit: 1, windowMs: 1000 }];
    // A deadline well above a loopback request's time and a stall of a busy machine, so
    // that "costs the deadline" and "costs nothing" stay apart.
    const DEADLINE_MS = 500;
    const breaker = new CircuitBreaker({
      timeoutMs: DEADLINE_MS,
      failureThreshold: 2,
      resetMs: 60_000,
    });
    const base = await app({ store: hanging, policies, breaker, failOpen: false });
    const timed = async () => {
      const t0 = performance.now();
      const res = await fetch(base);
      return {
        status: res.status,
        retryAfter: res.headers.get("retry-after"),
        ms: performance.now() - t0,
      };
    };
    const first = [await timed(), await timed()];
    expect(breaker.state).toBe(BreakerState.Open);
    for (const r of first) expect(r.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    const later = await timed();
    expect(later.ms).toBeLessThan(DEADLINE_MS - 150);
    expect(calls).toBe(2); // the open circuit does not call the store at all
    // Fail closed: Retry-After is the time until the store is tried again.
    expect(later).toMatchObject({ status: 429, retryAfter: "60" });
  });

  it("rejects duplicate policy names and a user key without userOf", () => {
    const store = new MemoryRateLimitStore({ sweepIntervalMs: 0 });
    const p = { name: "a", key: "ip" as const, limit: 1, windowMs: 1 };
    expect(() => httpRateLimit({ store, policies: [p, p] })).toThrow(RangeError);
    expect(() =>
      httpRateLimit({ store, policies: [{ name: "u", key: "user", limit: 1, windowMs: 1 }] }),
    ).toThrow(RangeError);
  });
});

describe("httpRateLimit on Redis: two app instances share one budget", () => {
  const prefix = `test:vango:http-rl:${randomUUID()}:`;
  const redisA = new Redis({ host: "127.0.0.1", port: 6379 });
  const redisB = new Redis({ host: "127.0.0.1", port: 6379 });
  afterAll(async () => {
    const keys = await redisA.keys(`${prefix}*`);
    if (keys.length > 0) await redisA.del(...keys);
    await redisA.quit();
    await redisB.quit();
  });

  it("the sum of allowed requests across instances equals the limit", async () => {
    const policies = [{ name: "ip", key: "ip" as const, limit: 5, windowMs: 60_000 }];
    const one = await app({ store: new RedisRateLimitStore({ client: redisA, prefix }), policies });
    const two = await app({ store: new RedisRateLimitStore({ client: redisB, prefix }), policies });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(i % 2 === 0 ? one : two)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const last = await fetch(two);
    expect(headersOf(last)).toMatchObject({ limit: "5", remaining: "0", policy: "5;w=60" });
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThanOrEqual(11);
    expect(Number(last.headers.get("retry-after"))).toBeLessThanOrEqual(12);
  });
});
