import { afterAll, describe, expect, it } from "vitest";
import { MemoryRateLimitStore } from "../../../../src/server/security/rate-limit/memory-store.ts";
import { rateLimitStoreSuite } from "./store.cases.ts";

const stores: MemoryRateLimitStore[] = [];
afterAll(() => {
  for (const s of stores) s.close();
});
rateLimitStoreSuite("memory", () => {
  const s = new MemoryRateLimitStore();
  stores.push(s);
  return s;
});

describe("MemoryRateLimitStore", () => {
  function clocked(opts: { maxKeys?: number } = {}) {
    const clock = { t: 1_000_000 };
    const store = new MemoryRateLimitStore({ ...opts, sweepIntervalMs: 0, now: () => clock.t });
    return { clock, store };
  }
  const policy = { limit: 4, windowMs: 1000 };

  it("computes exact GCRA values on a controlled clock", () => {
    const { clock, store } = clocked();
    expect(store.consumeSync("a", 1, policy)).toEqual({
      allowed: true,
      remaining: 3,
      resetMs: 250,
      retryAfterMs: 0,
    });
    store.consumeSync("a", 3, policy);
    expect(store.consumeSync("a", 1, policy)).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 1000,
      retryAfterMs: 250,
    });
    clock.t += 249;
    expect(store.consumeSync("a", 1, policy).allowed).toBe(false);
    clock.t += 1;
    expect(store.consumeSync("a", 1, policy)).toEqual({
      allowed: true,
      remaining: 0,
      resetMs: 1000,
      retryAfterMs: 0,
    });
    clock.t += 500;
    expect(store.consumeSync("a", 2, policy)).toEqual({
      allowed: true,
      remaining: 0,
      resetMs: 1000,
      retryAfterMs: 0,
    });
    clock.t += 10_000;
    expect(store.consumeSync("a", 1, policy).remaining).toBe(3);
  });

  it("sweeps keys whose budget is full again", () => {
    const { clock, store } = clocked();
    store.consumeSync("a", 1, policy);
    store.consumeSync("b", 4, policy);
    expect(store.size).toBe(2);
    clock.t += 250;
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(1);
    clock.t += 750;
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(0);
  });

  it("caps keys: expired first, then least recently consumed", () => {
    const { clock, store } = clocked({ maxKeys: 3 });
    store.consumeSync("old", 1, { limit: 1, windowMs: 10 });
    store.consumeSync("a", 1, policy);
    store.consumeSync("b", 1, policy);
    clock.t += 20;
    store.consumeSync("c", 1, policy);
    expect(store.size).toBe(3);
    store.consumeSync("a", 1, policy);
    store.consumeSync("d", 1, policy);
    expect(store.size).toBe(3);
    // "b" was least recently consumed and is gone: it starts with a full budget.
    expect(store.consumeSync("b", 1, policy).remaining).toBe(3);
    expect(store.consumeSync("a", 1, policy).remaining).toBe(1);
    for (let i = 0; i < 1000; i++) store.consumeSync(`flood${i}`, 1, policy);
    expect(store.size).toBe(3);
  });

  it("close() stops the sweep timer and clears keys", () => {
    const store = new MemoryRateLimitStore({ sweepIntervalMs: 5 });
    store.consumeSync("a", 1, policy);
    store.close();
    expect(store.size).toBe(0);
  });
});
