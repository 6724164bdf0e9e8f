import { describe, expect, it } from "vitest";
import { batch, computed, effect, memo, ReactiveError, signal } from "../../src/reactive/index.ts";

describe("computed", () => {
  it("is lazy and cached", () => {
    const a = signal(1);
    let runs = 0;
    const double = computed(() => {
      runs++;
      return a() * 2;
    });
    expect(runs).toBe(0);
    expect(double()).toBe(2);
    expect(double()).toBe(2);
    expect(runs).toBe(1);
    a.set(5);
    expect(runs).toBe(1);
    expect(double()).toBe(10);
    expect(runs).toBe(2);
  });

  it("passes the previous value", () => {
    const a = signal(1);
    const sum = computed<number>((prev) => (prev ?? 0) + a());
    expect(sum()).toBe(1);
    a.set(2);
    expect(sum()).toBe(3);
  });

  it("memo is computed", () => {
    expect(memo).toBe(computed);
  });

  it("diamond: d computes once per change and its effect runs once", () => {
    const a = signal(1);
    const b = computed(() => a() + 1);
    const c = computed(() => a() * 10);
    let dRuns = 0;
    const d = computed(() => {
      dRuns++;
      return b() + c();
    });
    const seen: number[] = [];
    effect(() => {
      seen.push(d());
    });
    expect(seen).toEqual([12]);
    expect(dRuns).toBe(1);
    a.set(2);
    expect(seen).toEqual([12, 23]);
    expect(dRuns).toBe(2);
    batch(() => {
      a.set(3);
      a.set(4);
    });
    expect(seen).toEqual([12, 23, 45]);
    expect(dRuns).toBe(3);
  });

  it("cuts off propagation when the value is unchanged", () => {
    const a = signal(1);
    const parity = computed(() => a() % 2);
    let runs = 0;
    effect(() => {
      parity();
      runs++;
    });
    a.set(3);
    expect(runs).toBe(1);
    a.set(4);
    expect(runs).toBe(2);
  });

  it("peek reads without tracking", () => {
    const a = signal(1);
    const b = computed(() => a() * 2);
    let runs = 0;
    effect(() => {
      b.peek();
      runs++;
    });
    a.set(2);
    expect(runs).toBe(1);
    expect(b.peek()).toBe(4);
  });

  it("a computed that reads itself throws reactive_cycle", () => {
    const self: () => number = computed(() => self() + 1);
    expect(() => self()).toThrow(ReactiveError);
    try {
      self();
      expect.unreachable();
    } catch (e) {
      expect((e as ReactiveError).code).toBe("reactive_cycle");
    }
  });

  it("an indirect cycle throws reactive_cycle from either end", () => {
    const gate = signal(false);
    const b: () => number = computed(() => (gate() ? c() : 0) + 1);
    const c: () => number = computed(() => b() + 1);
    expect(c()).toBe(2);
    gate.set(true);
    expect(() => c()).toThrow(expect.objectContaining({ code: "reactive_cycle" }));
    expect(() => b()).toThrow(expect.objectContaining({ code: "reactive_cycle" }));
    gate.set(false);
    expect(b()).toBe(1);
    expect(c()).toBe(2);
  });

  it("a cycle found while a dependant refreshes the computed throws reactive_cycle", () => {
    const gate = signal(false);
    const c: () => number = computed(() => (gate() ? c() : 0) + 1);
    const d = computed(() => c() * 2);
    expect(d()).toBe(2);
    gate.set(true);
    expect(() => d()).toThrow(expect.objectContaining({ code: "reactive_cycle" }));
    gate.set(false);
    expect(d()).toBe(2);
  });

  it("caches a getter's error and recovers when a dependency changes", () => {
    const a = signal(0);
    let runs = 0;
    const inv = computed(() => {
      runs++;
      if (a() === 0) throw new RangeError("zero");
      return 1 / a();
    });
    expect(() => inv()).toThrow(RangeError);
    expect(() => inv()).toThrow(RangeError);
    expect(runs).toBe(1);
    a.set(4);
    expect(inv()).toBe(0.25);
    expect(runs).toBe(2);
  });

  it("an error reaches dependants, and prev stays the last good value", () => {
    const a = signal(1);
    const prevs: (number | undefined)[] = [];
    const c = computed<number>((prev) => {
      prevs.push(prev);
      if (a() < 0) throw new Error("neg");
      return a();
    });
    const d = computed(() => c() * 2);
    expect(d()).toBe(2);
    a.set(-1);
    expect(() => d()).toThrow("neg");
    a.set(3);
    expect(d()).toBe(6);
    expect(prevs).toEqual([undefined, 1, 1]);
  });
});
