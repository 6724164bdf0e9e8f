/**
 * The one suite every `RateLimitStore` must pass (memory and Redis run it unchanged).
 * It runs on real time: windows are short and assertions allow for scheduling delay
 * only where time is involved.
 */
import { describe, expect, it } from "vitest";
import type { RateLimitStore } from "../../../../src/server/security/rate-limit/store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function rateLimitStoreSuite(name: string, make: () => RateLimitStore): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    let n = 0;
    const key = () => `k${n++}:${Math.random().toString(36).slice(2)}`;

    it("allows a burst of `limit`, then denies with a retry time", async () => {
      const s = make();
      const k = key();
      // A unit back per second: a stall of a loaded machine between the calls (real time)
      // does not give one back before the budget is used up.
      const policy = { limit: 3, windowMs: 3_000 };
      const unitMs = policy.windowMs / policy.limit;
      const first = await s.consume(k, 1, policy);
      expect(first).toEqual({ allowed: true, remaining: 2, resetMs: unitMs, retryAfterMs: 0 });
      expect(await s.consume(k, 1, policy)).toMatchObject({ allowed: true, remaining: 1 });
      const third = await s.consume(k, 1, policy);
      expect(third).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: 0 });
      // Bounds leave room for a slow, loaded machine between the calls.
      expect(third.resetMs).toBeGreaterThan(policy.windowMs - 900);
      expect(third.resetMs).toBeLessThanOrEqual(policy.windowMs);
      const denied = await s.consume(k, 1, policy);
      expect(denied.allowed).toBe(false);
      expect(denied.remaining).toBe(0);
      expect(denied.retryAfterMs).toBeGreaterThanOrEqual(unitMs - 900);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(unitMs);
      expect(denied.resetMs).toBeGreaterThan(policy.windowMs - 900);
      expect(denied.resetMs).toBeLessThanOrEqual(policy.windowMs);
    });

    it("charges cost units and does not charge denied requests", async () => {
      const s = make();
      const k = key();
      const policy = { limit: 3, windowMs: 60_000 };
      expect(await s.consume(k, 2, policy)).toMatchObject({ allowed: true, remaining: 1 });
      const denied = await s.consume(k, 2, policy);
      expect(denied).toMatchObject({ allowed: false, remaining: 1 });
      expect(denied.retryAfterMs).toBeGreaterThan(19_000);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(20_000);
      for (let i = 0; i < 5; i++) expect((await s.consume(k, 3, policy)).allowed).toBe(false);
      expect(await s.consume(k, 1, policy)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await s.consume(k, 1, policy)).allowed).toBe(false);
    });

    it("refills at limit / windowMs", async () => {
      const s = make();
      const k = key();
      // A unit back every 400 ms: more than a stall of a loaded machine between two calls.
      const policy = { limit: 2, windowMs: 800 };
      const unitMs = policy.windowMs / policy.limit;
      await s.consume(k, 1, policy);
      await s.consume(k, 1, policy);
      const denied = await s.consume(k, 1, policy);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(unitMs);
      await sleep(denied.retryAfterMs + 10);
      expect(await s.consume(k, 1, policy)).toMatchObject({ allowed: true, remaining: 0 });
      await sleep(policy.windowMs + 20);
      expect(await s.consume(k, 1, policy)).toMatchObject({ allowed: true, remaining: 1 });
    });

    it("refund gives units back, never past a full budget", async () => {
      const s = make();
      const k = key();
      const policy = { limit: 3, windowMs: 60_000 };
      for (let i = 0; i < 3; i++) await s.consume(k, 1, policy);
      expect((await s.consume(k, 1, policy)).allowed).toBe(false);
      await s.refund(k, 1, policy);
      expect(await s.consume(k, 1, policy)).toMatchObject({ allowed: true, remaining: 0 });
      await s.refund(k, 3, policy);
      await s.refund(k, 3, policy);
      await s.refund(key(), 1, policy); // a key never charged: nothing to give back
      expect(await s.consume(k, 1, policy)).toMatchObject({ allowed: true, remaining: 2 });
    });

    it("keeps keys independent", async () => {
      const s = make();
      const a = key();
      const b = key();
      const policy = { limit: 1, windowMs: 60_000 };
      expect((await s.consume(a, 1, policy)).allowed).toBe(true);
      expect((await s.consume(a, 1, policy)).allowed).toBe(false);
      expect(await s.consume(b, 1, policy)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it("is atomic under concurrency: exactly `limit` of 60 parallel calls pass", async () => {
      const s = make();
      const k = key();
      const policy = { limit: 10, windowMs: 60_000 };
      const results = await Promise.all(Array.from({ length: 60 }, () => s.consume(k, 1, policy)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      expect(
        results
          .filter((r) => r.allowed)
          .map((r) => r.remaining)
          .sort((x, y) => x - y),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it("rejects nonsensical costs and policies with RangeError", async () => {
      const s = make();
      const k = key();
      await expect(s.consume(k, 0, { limit: 1, windowMs: 1000 })).rejects.toThrow(RangeError);
      await expect(s.consume(k, 2, { limit: 1, windowMs: 1000 })).rejects.toThrow(RangeError);
      await expect(s.consume(k, 1, { limit: 0, windowMs: 1000 })).rejects.toThrow(RangeError);
      await expect(s.consume(k, 1, { limit: 1.5, windowMs: 1000 })).rejects.toThrow(RangeError);
      await expect(s.consume(k, 1, { limit: 1, windowMs: 0 })).rejects.toThrow(RangeError);
      await expect(s.consume(k, Number.NaN, { limit: 1, windowMs: 9 })).rejects.toThrow(RangeError);
    });
  });
}
