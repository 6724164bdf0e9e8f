/**
 * Login budgets: failures per name and per address, successes refunded, one budget
 * across instances on Redis, names counted case- and width-insensitively, and a store
 * outage counted in this process instead (still limited, still available).
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { LoginThrottle } from "../../src/auth/login-throttle.ts";
import { CircuitBreaker } from "../../src/server/core/circuit-breaker.ts";
import { MemoryRateLimitStore } from "../../src/server/security/rate-limit/memory-store.ts";
import { RedisRateLimitStore } from "../../src/server/security/rate-limit/redis-store.ts";
import type { RateLimitStore } from "../../src/server/security/rate-limit/store.ts";

const limits = { perUser: { limit: 3, windowMs: 60_000 }, perIp: { limit: 5, windowMs: 60_000 } };
const prefix = `test:vango:login:${randomUUID()}:`;
const client = new Redis({ host: "127.0.0.1", port: 6379 });
afterAll(async () => {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});

async function fail(t: LoginThrottle, name: string, ip: string): Promise<boolean> {
  return (await t.begin(name, ip)).ok;
}

describe("LoginThrottle", () => {
  it("counts failures per name (any case or width) and refunds successes", async () => {
    const t = new LoginThrottle(new MemoryRateLimitStore(), limits, undefined);
    for (let i = 0; i < 5; i++) {
      const a = await t.begin("Ada", "10.0.0.1");
      expect(a.ok).toBe(true);
      if (a.ok) await t.succeeded(a.attempt);
    }
    expect([
      await fail(t, "ada", "10.0.0.1"),
      await fail(t, " ADA ", "10.0.0.2"),
      await fail(t, "ａｄａ", "10.0.0.3"),
    ]).toEqual([true, true, true]);
    const locked = await t.begin("ada", "10.0.0.4");
    expect(locked.ok).toBe(false);
    if (!locked.ok) {
      expect(locked.retryAfterMs).toBeGreaterThan(15_000);
      expect(locked.retryAfterMs).toBeLessThanOrEqual(20_000);
    }
    // Another name is not affected.
    expect(await fail(t, "bob", "10.0.0.4")).toBe(true);
    t.close();
  });

  it("counts failures per address across names, and a refused attempt charges neither budget", async () => {
    const t = new LoginThrottle(new MemoryRateLimitStore(), limits, undefined);
    for (let i = 0; i < 5; i++) expect(await fail(t, `user${i}`, "10.9.9.9")).toBe(true);
    expect(await fail(t, "user9", "10.9.9.9")).toBe(false);
    // user9's budget was given back when the address refused the attempt.
    for (let i = 0; i < 3; i++) expect(await fail(t, "user9", `10.1.1.${i}`)).toBe(true);
    t.close();
  });

  it("shares one budget between instances on Redis", async () => {
    const store = () => new RedisRateLimitStore({ client, prefix });
    const a = new LoginThrottle(store(), limits, new CircuitBreaker());
    const b = new LoginThrottle(store(), limits, new CircuitBreaker());
    const name = `n-${randomUUID()}`;
    expect([
      await fail(a, name, "1.1.1.1"),
      await fail(b, name, "1.1.1.2"),
      await fail(a, name, "1.1.1.3"),
    ]).toEqual([true, true, true]);
    expect(await fail(b, name, "1.1.1.4")).toBe(false);
    a.close();
    b.close();
  });

  it("counts in this process while the shared store fails", async () => {
    const broken: RateLimitStore = {
      consume: () => Promise.reject(new Error("ECONNREFUSED")),
      refund: () => Promise.reject(new Error("ECONNREFUSED")),
    };
    const t = new LoginThrottle(broken, limits, new CircuitBreaker({ failureThreshold: 1 }));
    for (let i = 0; i < 3; i++) expect(await fail(t, "eve", `2.2.2.${i}`)).toBe(true);
    expect(await fail(t, "eve", "2.2.2.9")).toBe(false);
    t.close();
  });
});
