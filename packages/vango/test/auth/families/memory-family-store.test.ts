import { describe, expect, it } from "vitest";
import { MemoryFamilyStore } from "../../../src/auth/families/memory-family-store.ts";
import { familyStoreSuite } from "./family-store.cases.ts";

familyStoreSuite("memory", () => new MemoryFamilyStore({ sweepIntervalMs: 0 }));

describe("MemoryFamilyStore", () => {
  it("sweeps expired families and one-time ids", async () => {
    let now = 1_000;
    const s = new MemoryFamilyStore({ now: () => now, sweepIntervalMs: 0 });
    await s.create("f1", "u1", "j1", 2_000);
    await s.useOnce("o1", 500);
    expect(s.sweep()).toBe(0);
    now = 3_000;
    expect(s.sweep()).toBe(2);
    expect(await s.revokeUser("u1")).toEqual([]);
    await s.close();
  });
});
