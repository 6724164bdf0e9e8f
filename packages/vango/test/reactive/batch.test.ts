import { describe, expect, it } from "vitest";
import { batch, computed, effect, signal, untracked } from "../../src/reactive/index.ts";

describe("batch", () => {
  it("runs each effect once at the end of the outermost batch", () => {
    const a = signal(0);
    const b = signal(0);
    const seen: string[] = [];
    effect(() => {
      seen.push(`${a()}:${b()}`);
    });
    const result = batch(() => {
      a.set(1);
      b.set(1);
      batch(() => {
        a.set(2);
        b.set(2);
      });
      expect(seen).toEqual(["0:0"]);
      a.set(3);
      return "done";
    });
    expect(result).toBe("done");
    expect(seen).toEqual(["0:0", "3:2"]);
  });

  it("reads inside a batch see the latest writes", () => {
    const a = signal(1);
    const double = computed(() => a() * 2);
    batch(() => {
      a.set(5);
      expect(a()).toBe(5);
      expect(double()).toBe(10);
    });
  });

  it("does not run an effect whose inputs were restored within the batch", () => {
    const a = signal(1);
    let runs = 0;
    effect(() => {
      a();
      runs++;
    });
    batch(() => {
      a.set(2);
      a.set(1);
    });
    expect(runs).toBe(1);
  });

  it("still flushes when fn throws, and rethrows fn's error", () => {
    const a = signal(0);
    const seen: number[] = [];
    effect(() => {
      seen.push(a());
    });
    expect(() =>
      batch(() => {
        a.set(1);
        throw new TypeError("inside");
      }),
    ).toThrow(TypeError);
    expect(seen).toEqual([0, 1]);
    a.set(2);
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe("untracked", () => {
  it("does not track reads and returns fn's value", () => {
    const a = signal(1);
    const b = signal(2);
    const seen: number[] = [];
    effect(() => {
      seen.push(a() + untracked(() => b()));
    });
    b.set(3);
    expect(seen).toEqual([3]);
    a.set(2);
    expect(seen).toEqual([3, 5]);
  });
});
