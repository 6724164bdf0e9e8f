import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createHealth } from "../../../../src/observability/health.ts";
import type { BreakerTransition } from "../../../../src/server/core/circuit-breaker.ts";
import type {
  SessionEntry,
  SessionStore,
  SessionStoreObserver,
} from "../../../../src/server/session/session-store.ts";
import { MemorySessionStore } from "../../../../src/server/session/stores/memory-store.ts";
import { RedisSessionStore } from "../../../../src/server/session/stores/redis-store.ts";
import { ResilientSessionStore } from "../../../../src/server/session/stores/resilient-store.ts";
import { until } from "../../../until.ts";
import { sessionStoreSuite } from "./store.cases.ts";

const prefix = `test:vango:resilient:${randomUUID()}:`;
const redis = new Redis({ host: "127.0.0.1", port: 6379 });
let n = 0;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

sessionStoreSuite(
  "resilient over memory",
  async () => new ResilientSessionStore({ store: new MemorySessionStore() }),
);
sessionStoreSuite(
  "resilient over redis",
  async () =>
    new ResilientSessionStore({
      store: new RedisSessionStore({ client: redis, prefix: `${prefix}${n++}:` }),
    }),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

/** A memory store that can be taken down (calls reject) or made to hang (calls never answer). */
class Flaky implements SessionStore {
  readonly inner = new MemorySessionStore();
  mode: "up" | "down" | "hang" = "up";
  calls = 0;

  #gate<T>(call: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.mode === "down") return Promise.reject(new Error("backend down"));
    if (this.mode === "hang") return new Promise<T>(() => {});
    return call();
  }
  save(id: string, data: Uint8Array, ttlMs: number, fence?: number) {
    return this.#gate(() => this.inner.save(id, data, ttlMs, fence));
  }
  load(id: string) {
    return this.#gate(() => this.inner.load(id));
  }
  delete(id: string) {
    return this.#gate(() => this.inner.delete(id));
  }
  touch(id: string, ttlMs: number) {
    return this.#gate(() => this.inner.touch(id, ttlMs));
  }
  saveAll(entries: readonly SessionEntry[]) {
    return this.#gate(() => this.inner.saveAll(entries));
  }
  /** Leaves `inner` readable: tests look at what reached the backend after closing. */
  async close() {
    this.closed = true;
  }
  closed = false;
}

function recorder() {
  const ops: string[] = [];
  const circuit: string[] = [];
  const counts = { flushed: 0, dropped: 0 };
  const observer: SessionStoreObserver = {
    operation: (op, outcome) => ops.push(`${op}:${outcome}`),
    circuit: (t: BreakerTransition) => circuit.push(`${t.from}>${t.to}`),
    flushed: (k) => {
      counts.flushed += k;
    },
    dropped: (k) => {
      counts.dropped += k;
    },
  };
  return { ops, circuit, counts, observer };
}

// Open for longer than a stall of the machine between two calls (a probe in the middle of
// a test would add transitions), and shorter than the 1 s retry of the writes in memory.
const breaker = { timeoutMs: 100, failureThreshold: 2, resetMs: 500 };

describe("ResilientSessionStore", () => {
  it("checks fences against the writes it keeps during an outage, and the backend's when it flushes them", async () => {
    const backend = new Flaky();
    const store = new ResilientSessionStore({ store: backend, breaker });
    backend.mode = "down";
    expect(await store.save("a", Uint8Array.of(1), MIN, 2)).toBe(true);
    expect(await store.save("a", Uint8Array.of(2), MIN, 1)).toBe(false);
    expect(await store.save("b", Uint8Array.of(1), MIN)).toBe(true);
    expect(
      await store.saveAll([
        { id: "a", data: Uint8Array.of(3), ttlMs: MIN, fence: 0 },
        { id: "b", data: Uint8Array.of(2), ttlMs: MIN, fence: 1 },
        { id: "c", data: Uint8Array.of(1), ttlMs: MIN, fence: 1 },
      ]),
    ).toEqual(["a"]);
    expect(await store.load("a")).toEqual(Uint8Array.of(1));
    // Meanwhile another instance saved c with a greater fence, straight to the backend.
    await backend.inner.save("c", Uint8Array.of(9), MIN, 5);
    backend.mode = "up";
    await sleep(600); // the circuit's reset: the next flush reaches the backend
    await store.flush();
    expect(store.pending).toBe(0);
    expect(await backend.inner.load("a")).toEqual(Uint8Array.of(1));
    expect(await backend.inner.load("b")).toEqual(Uint8Array.of(2));
    expect(await backend.inner.load("c")).toEqual(Uint8Array.of(9));
    // Straight through again: the backend's answer is the store's.
    expect(await store.save("c", Uint8Array.of(8), MIN, 4)).toBe(false);
    expect(
      await store.saveAll([{ id: "a", data: Uint8Array.of(4), ttlMs: MIN, fence: 1 }]),
    ).toEqual(["a"]);
    await store.close();
  });

  it("keeps writes in memory during an outage and writes them, in order, once the backend is back", async () => {
    const backend = new Flaky();
    const rec = recorder();
    const store = new ResilientSessionStore({ store: backend, breaker, observer: rec.observer });
    await store.save("gone", Uint8Array.of(9), MIN);
    backend.mode = "down";
    await store.save("a", Uint8Array.of(1), MIN);
    await store.save("b", Uint8Array.of(2), MIN);
    await store.delete("gone");
    await store.saveAll([
      { id: "d", data: Uint8Array.of(4), ttlMs: MIN },
      { id: "e", data: Uint8Array.of(5), ttlMs: MIN },
    ]);
    expect(store.pending).toBe(5);
    expect(store.status()).toEqual({ status: "degraded", state: "open", error: "circuit_open" });
    expect(await store.load("a")).toEqual(Uint8Array.of(1));
    expect(await store.load("gone")).toBeUndefined();
    expect(await store.touch("b", MIN)).toBe(true);
    await expect(store.load("unknown")).rejects.toMatchObject({ code: "store_unavailable" });
    await expect(store.touch("unknown", MIN)).rejects.toMatchObject({ code: "store_unavailable" });

    backend.mode = "up";
    await until(() => store.status().status === "ok");
    expect(store.pending).toBe(0);
    for (const [id, v] of [
      ["a", 1],
      ["b", 2],
      ["d", 4],
      ["e", 5],
    ] as const) {
      expect(await backend.inner.load(id), id).toEqual(Uint8Array.of(v));
    }
    expect(await backend.inner.load("gone")).toBeUndefined();
    expect(rec.counts).toEqual({ flushed: 5, dropped: 0 });
    expect(rec.circuit).toEqual(["closed>open", "open>half_open", "half_open>closed"]);
    expect(rec.ops).toContain("save:degraded");
    expect(rec.ops).toContain("load:error");
    expect(rec.ops[0]).toBe("save:ok");
    await store.close();
  });

  it("bounds every call by the deadline when the backend hangs, then answers at once", async () => {
    const backend = new Flaky();
    // A deadline far above a stall of the machine: "waited for it" and "answered at once"
    // stay apart.
    const deadline = { ...breaker, timeoutMs: 400 };
    const store = new ResilientSessionStore({ store: backend, breaker: deadline });
    backend.mode = "hang";
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      await store.save(`h${i}`, Uint8Array.of(i), MIN);
      times.push(performance.now() - t0);
    }
    const ms = deadline.timeoutMs;
    expect(times.slice(0, 2).every((t) => t >= ms - 10 && t < ms + 1_000)).toBe(true);
    expect(times.slice(2).every((t) => t < ms - 100)).toBe(true);
    expect(backend.calls).toBe(2); // the open circuit does not call the backend
    expect(store.pending).toBe(6);
    backend.mode = "up";
    await until(() => store.pending === 0);
    expect(await backend.inner.load("h5")).toEqual(Uint8Array.of(5));
    await store.close();
  });

  it("never lets a newer write be overtaken by an older one kept in memory", async () => {
    const backend = new Flaky();
    const store = new ResilientSessionStore({
      store: backend,
      breaker: { ...breaker, failureThreshold: 5 },
    });
    backend.mode = "down";
    await store.save("k", Uint8Array.of(1), MIN);
    backend.mode = "up";
    // The circuit is still closed, but v1 waits in memory: v2 must queue behind it.
    await store.save("k", Uint8Array.of(2), MIN);
    expect(await store.load("k")).toEqual(Uint8Array.of(2));
    await store.flush();
    expect(store.pending).toBe(0);
    expect(await backend.inner.load("k")).toEqual(Uint8Array.of(2));
    // After a delete kept in memory, a save must not resurrect the old value either.
    backend.mode = "down";
    await store.delete("k");
    backend.mode = "up";
    await store.save("k", Uint8Array.of(3), MIN);
    await store.flush();
    expect(await backend.inner.load("k")).toEqual(Uint8Array.of(3));
    await store.close();
  });

  it("drops the oldest kept writes past maxPendingEntries or maxPendingBytes, and says so", async () => {
    const backend = new Flaky();
    const rec = recorder();
    const store = new ResilientSessionStore({
      store: backend,
      breaker,
      maxPendingEntries: 3,
      maxPendingBytes: 100,
      observer: rec.observer,
    });
    backend.mode = "down";
    for (let i = 0; i < 5; i++) await store.save(`p${i}`, Uint8Array.of(i), MIN);
    expect(store.pending).toBe(3);
    expect(rec.counts.dropped).toBe(2);
    // 3 + 99 bytes is over 100: p2 then p3 go (oldest first), p4 and big stay.
    await store.save("big", new Uint8Array(99), MIN);
    expect(store.pending).toBe(2);
    expect(rec.counts.dropped).toBe(4);
    await expect(store.load("p0")).rejects.toMatchObject({ code: "store_unavailable" });
    expect(await store.load("p4")).toEqual(Uint8Array.of(4));
    backend.mode = "up";
    await store.close();
  });

  it("does not send writes that expired while they waited", async () => {
    const backend = new Flaky();
    const store = new ResilientSessionStore({ store: backend, breaker });
    backend.mode = "down";
    await store.save("brief", Uint8Array.of(1), 100);
    await store.save("long", Uint8Array.of(2), MIN);
    await sleep(150);
    expect(await store.load("brief")).toBeUndefined();
    backend.mode = "up";
    await store.flush();
    await until(() => store.pending === 0);
    expect(await backend.inner.load("brief")).toBeUndefined();
    expect(await backend.inner.load("long")).toEqual(Uint8Array.of(2));
    await store.close();
  });

  it("close() sends what memory holds if the backend is back, else reports it dropped", async () => {
    const backendA = new Flaky();
    const a = new ResilientSessionStore({ store: backendA, breaker: { ...breaker, resetMs: 10 } });
    backendA.mode = "down";
    await a.save("x", Uint8Array.of(1), MIN);
    backendA.mode = "up";
    await sleep(20);
    await a.close();
    expect(await backendA.inner.load("x")).toEqual(Uint8Array.of(1));
    expect(backendA.closed).toBe(true);

    const backendB = new Flaky();
    const rec = recorder();
    const b = new ResilientSessionStore({ store: backendB, breaker, observer: rec.observer });
    backendB.mode = "down";
    await b.save("y", Uint8Array.of(1), MIN);
    await b.save("z", Uint8Array.of(2), MIN);
    await b.close();
    expect(rec.counts.dropped).toBe(2);
    expect(b.pending).toBe(0);
  });

  it("reports through Health.watch: degraded while down, ok again after recovery", async () => {
    const backend = new Flaky();
    const store = new ResilientSessionStore({ store: backend, breaker });
    const health = createHealth();
    health.watch("session_store", store);
    expect((await health.ready()).checks.session_store).toMatchObject({
      status: "ok",
      state: "closed",
    });
    backend.mode = "down";
    await store.save("a", Uint8Array.of(1), MIN);
    await store.save("b", Uint8Array.of(1), MIN);
    const down = await health.ready();
    expect(down.status).toBe("degraded");
    expect(down.checks.session_store).toMatchObject({
      status: "degraded",
      state: "open",
      error: "circuit_open",
    });
    backend.mode = "up";
    await until(async () => (await health.ready()).status === "ok");
    await store.close();
  });
});
