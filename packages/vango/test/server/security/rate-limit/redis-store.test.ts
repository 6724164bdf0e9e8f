import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisRateLimitStore } from "../../../../src/server/security/rate-limit/redis-store.ts";
import { rateLimitStoreSuite } from "./store.cases.ts";

const prefix = `test:vango:rl:${randomUUID()}:`;
const client = new Redis({ host: "127.0.0.1", port: 6379 });

async function keys(): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== "0");
  return found;
}

afterAll(async () => {
  const left = await keys();
  if (left.length > 0) await client.del(...left);
  await client.quit();
});

rateLimitStoreSuite("redis", () => new RedisRateLimitStore({ client, prefix }));

describe("RedisRateLimitStore", () => {
  it("stores one prefixed key per bucket with a TTL until the bucket is full", async () => {
    const store = new RedisRateLimitStore({ client, prefix });
    await store.consume("ttl-check", 2, { limit: 4, windowMs: 10_000 });
    const pttl = await client.pttl(`${prefix}ttl-check`);
    expect(pttl).toBeGreaterThan(4_900);
    expect(pttl).toBeLessThanOrEqual(5_000);
  });

  it("two stores on two connections share one budget", async () => {
    const other = new Redis({ host: "127.0.0.1", port: 6379 });
    try {
      const a = new RedisRateLimitStore({ client, prefix });
      const b = new RedisRateLimitStore({ client: other, prefix });
      const policy = { limit: 4, windowMs: 60_000 };
      const seq = [a, b, a, b, a, b];
      const allowed: boolean[] = [];
      for (const s of seq) allowed.push((await s.consume("shared", 1, policy)).allowed);
      expect(allowed).toEqual([true, true, true, true, false, false]);
    } finally {
      await other.quit();
    }
  });

  it("rejects when Redis is unreachable", async () => {
    const dead = new Redis({
      host: "127.0.0.1",
      port: 1,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on("error", () => {});
    const store = new RedisRateLimitStore({ client: dead, prefix });
    await expect(store.consume("x", 1, { limit: 1, windowMs: 1000 })).rejects.toThrow();
    dead.disconnect();
  });
});
