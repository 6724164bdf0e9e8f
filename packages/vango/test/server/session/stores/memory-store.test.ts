import { describe, expect, it } from "vitest";
import { MemorySessionStore } from "../../../../src/server/session/stores/memory-store.ts";
import { sessionStoreSuite } from "./store.cases.ts";

sessionStoreSuite("memory", async () => new MemorySessionStore());

describe("MemorySessionStore", () => {
  function clocked(opts: { maxEntries?: number; maxBytes?: number } = {}) {
    const clock = { t: 1_000_000 };
    const store = new MemorySessionStore({ ...opts, sweepIntervalMs: 0, now: () => clock.t });
    return { clock, store };
  }
  const bytes = (n: number) => new Uint8Array(n);

  it("expires at exactly ttlMs on its clock, and sweeps expired entries", async () => {
    const { clock, store } = clocked();
    await store.save("a", bytes(10), 1000);
    await store.save("b", bytes(20), 5000);
    clock.t += 999;
    expect(await store.load("a")).toEqual(bytes(10));
    clock.t += 1;
    expect(await store.load("a")).toBeUndefined();
    expect([store.size, store.bytes]).toEqual([1, 20]);
    await store.save("c", bytes(5), 100);
    clock.t += 200;
    expect(store.sweep()).toBe(1);
    expect([store.size, store.bytes]).toEqual([1, 20]);
  });

  it("caps entries: the least recently used goes first (load and touch count as use)", async () => {
    const { store } = clocked({ maxEntries: 3 });
    for (const id of ["a", "b", "c"]) await store.save(id, bytes(1), 60_000);
    await store.load("a");
    await store.touch("b", 60_000);
    await store.save("d", bytes(1), 60_000);
    expect(await store.load("c")).toBeUndefined();
    expect(store.size).toBe(3);
    for (let i = 0; i < 100; i++) await store.save(`flood${i}`, bytes(1), 60_000);
    expect(store.size).toBe(3);
  });

  it("caps bytes, and refuses one checkpoint larger than the whole budget", async () => {
    const { store } = clocked({ maxBytes: 100 });
    await store.save("a", bytes(40), 60_000);
    await store.save("b", bytes(40), 60_000);
    await store.save("c", bytes(40), 60_000);
    expect(await store.load("a")).toBeUndefined();
    expect(store.bytes).toBe(80);
    await store.save("b", bytes(10), 60_000);
    expect(store.bytes).toBe(50);
    await expect(store.save("huge", bytes(101), 60_000)).rejects.toMatchObject({
      code: "store_unavailable",
    });
    expect(store.bytes).toBe(50);
  });

  it("close() stops the sweep timer and forgets everything", async () => {
    const store = new MemorySessionStore({ sweepIntervalMs: 5 });
    await store.save("a", bytes(3), 60_000);
    await store.close();
    expect([store.size, store.bytes]).toEqual([0, 0]);
  });

  it("refuses nonsensical bounds", () => {
    expect(() => new MemorySessionStore({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new MemorySessionStore({ maxBytes: 1.5 })).toThrow(RangeError);
  });
});
