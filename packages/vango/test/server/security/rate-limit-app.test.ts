/** HTTP rate limits wired into the app: defaults, 429 headers, mutations, shared Redis budget. */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { MemoryRateLimitStore } from "../../../src/server/security/rate-limit/memory-store.ts";
import { RedisRateLimitStore } from "../../../src/server/security/rate-limit/redis-store.ts";
import { Counter } from "../fixtures.tsx";
import { getPage, type Running, start } from "../helpers.ts";

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

async function up(opts: Parameters<typeof start>[0]): Promise<Running> {
  const r = await start(opts);
  running.push(r);
  return r;
}

describe("HTTP rate limits", () => {
  it("refuses over the per-IP budget with 429, Retry-After and RateLimit-* headers", async () => {
    const srv = await up({
      routes: { "/": Counter },
      rateLimit: { perIp: { limit: 3, windowMs: 60_000 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(srv.base + "/nope");
      statuses.push(res.status);
      expect(res.headers.get("ratelimit-remaining")).toBe(String(2 - i));
      expect(res.headers.get("ratelimit-limit")).toBe("3");
      expect(res.headers.get("ratelimit-policy")).toBe("3;w=60");
    }
    const res = await fetch(srv.base + "/");
    expect([...statuses, res.status]).toEqual([404, 404, 404, 429]);
    expect(res.headers.get("retry-after")).toBe("20");
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    expect(await res.json()).toEqual({
      error: { code: "rate_limited", message: "Too many requests" },
    });
    // The refused GET mounted no session.
    expect(srv.app.sessions.counts().total).toBe(0);
  });

  it("applies the stricter mutation policy on top for unsafe methods", async () => {
    const srv = await up({
      routes: { "/": Counter },
      rateLimit: { mutations: { limit: 2, windowMs: 60_000 } },
    });
    const p = await getPage(srv.base);
    const post = () =>
      fetch(srv.base + "/", {
        method: "POST",
        headers: { cookie: p.cookie, "x-csrf-token": p.csrf },
      });
    expect([(await post()).status, (await post()).status, (await post()).status]).toEqual([
      405, 405, 429,
    ]);
    expect((await fetch(srv.base + "/nope")).status).toBe(404);
  });

  it("supports per-user and per-route policies; rateLimit: false disables HTTP limits", async () => {
    const srv = await up({
      routes: { "/": Counter },
      userOf: (req) => (req.headers["x-user"] as string | undefined) ?? undefined,
      rateLimit: {
        perIp: false,
        perUser: { limit: 1, windowMs: 60_000 },
        policies: [
          {
            name: "nope-route",
            key: "ip",
            limit: 2,
            windowMs: 60_000,
            match: (req) => req.url === "/nope",
          },
        ],
      },
    });
    const u = (user: string) => fetch(srv.base + "/x", { headers: { "x-user": user } });
    expect([(await u("a")).status, (await u("a")).status, (await u("b")).status]).toEqual([
      404, 429, 404,
    ]);
    const n = () => fetch(srv.base + "/nope");
    expect([(await n()).status, (await n()).status, (await n()).status]).toEqual([404, 404, 429]);
    const off = await up({ routes: { "/": Counter }, rateLimit: false });
    for (let i = 0; i < 5; i++) expect((await fetch(off.base + "/nope")).status).toBe(404);
  });

  it("uses a given store", async () => {
    const store = new MemoryRateLimitStore({ sweepIntervalMs: 0 });
    const srv = await up({
      routes: { "/": Counter },
      rateLimit: { store, perIp: { limit: 5, windowMs: 1000 }, mutations: false },
    });
    await fetch(srv.base + "/nope");
    expect(store.size).toBe(1);
  });
});

describe("HTTP rate limits on Redis", () => {
  const prefix = `test:vango:app-rl:${randomUUID()}:`;
  const client = new Redis({ host: "127.0.0.1", port: 6379 });
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  it("two app instances share one budget", async () => {
    const other = new Redis({ host: "127.0.0.1", port: 6379 });
    try {
      const rateLimit = (c: Redis) => ({
        store: new RedisRateLimitStore({ client: c, prefix }),
        perIp: { limit: 4, windowMs: 60_000 },
      });
      const a = await up({ routes: { "/": Counter }, rateLimit: rateLimit(client) });
      const b = await up({ routes: { "/": Counter }, rateLimit: rateLimit(other) });
      const seq: number[] = [];
      for (const s of [a, b, a, b, a, b]) seq.push((await fetch(s.base + "/nope")).status);
      expect(seq).toEqual([404, 404, 404, 404, 429, 429]);
      expect(await client.keys(`${prefix}*`)).toEqual([`${prefix}ip:ip:127.0.0.1`]);
    } finally {
      await other.quit();
    }
  });
});
