/**
 * Sessions on Redis while Redis goes down and comes back, on a redis-server of its own
 * (the shared one is never stopped): checkpoints keep being accepted within the deadline,
 * stay readable from memory, and reach Redis once it is back; readiness follows.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHealth } from "../../../../src/observability/health.ts";
import { RedisSessionStore } from "../../../../src/server/session/stores/redis-store.ts";
import { ResilientSessionStore } from "../../../../src/server/session/stores/resilient-store.ts";
import { RedisProcess } from "../../redis-process.ts";

let server: RedisProcess;
let client: Redis;
beforeAll(async () => {
  server = await RedisProcess.start();
  // ioredis' defaults, the worst case: an offline queue and 20 retries per command.
  client = new Redis({ host: "127.0.0.1", port: server.port });
  client.on("error", () => {});
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

describe("ResilientSessionStore over Redis during an outage", () => {
  it("accepts checkpoints within the deadline, serves them from memory, writes them back", async () => {
    const flushed: number[] = [];
    const store = new ResilientSessionStore({
      store: new RedisSessionStore({ client }),
      breaker: { timeoutMs: 200, failureThreshold: 3, resetMs: 300 },
      observer: { flushed: (k) => flushed.push(k) },
    });
    const health = createHealth();
    health.watch("session_store", store);
    await store.save("before", Uint8Array.of(0), 60_000);

    await server.stop();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await store.save(`s${i}`, Uint8Array.of(i), 60_000);
      times.push(performance.now() - t0);
    }
    await store.saveAll(
      Array.from({ length: 300 }, (_, i) => ({
        id: `all${i}`,
        data: Uint8Array.of(1),
        ttlMs: 60_000,
      })),
    );
    times.sort((a, b) => a - b);
    expect(times.at(-1)!).toBeLessThan(1_000);
    expect(times[10]!).toBeLessThan(50);
    expect(await store.load("s7")).toEqual(Uint8Array.of(7));
    await expect(store.load("before")).rejects.toMatchObject({ code: "store_unavailable" });
    expect((await health.ready()).checks.session_store?.status).toBe("degraded");

    await server.resume();
    const deadline = Date.now() + 15_000;
    while (store.pending > 0 || (await health.ready()).status !== "ok") {
      if (Date.now() > deadline) throw new Error(`not flushed: ${store.pending} pending`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const check = new Redis({ host: "127.0.0.1", port: server.port });
    try {
      expect(await check.hgetBuffer("vango:session:s19", "d")).toEqual(Buffer.from([19]));
      expect(await check.exists("vango:session:all299")).toBe(1);
      const pttl = await check.pttl("vango:session:s0");
      expect(pttl).toBeGreaterThan(40_000);
    } finally {
      check.disconnect();
    }
    expect(flushed.reduce((a, b) => a + b, 0)).toBe(320);
    await store.close();
  }, 40_000);
});
