import { describe, expect, it } from "vitest";
import {
  batch,
  computed,
  createRoot,
  effect,
  getOwner,
  onCleanup,
  signal,
} from "../../src/reactive/index.ts";

describe("effect", () => {
  it("runs now and once per change; dispose stops it", () => {
    const a = signal(1);
    const seen: number[] = [];
    const stop = effect(() => {
      seen.push(a());
    });
    a.set(2);
    a.set(3);
    stop();
    a.set(4);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("runs its cleanup before each re-run and on dispose, then owned work newest first", () => {
    const a = signal(0);
    const log: string[] = [];
    const stop = effect(() => {
      const v = a();
      log.push(`run ${v}`);
      onCleanup(() => log.push(`onCleanup1 ${v}`));
      onCleanup(() => log.push(`onCleanup2 ${v}`));
      return () => log.push(`returned ${v}`);
    });
    a.set(1);
    stop();
    stop();
    expect(log).toEqual([
      "run 0",
      "returned 0",
      "onCleanup2 0",
      "onCleanup1 0",
      "run 1",
      "returned 1",
      "onCleanup2 1",
      "onCleanup1 1",
    ]);
  });

  it("is the owner while it runs; a nested effect is disposed on re-run", () => {
    const outer = signal(0);
    const inner = signal(0);
    const log: string[] = [];
    effect(() => {
      const o = outer();
      expect(getOwner()).not.toBeNull();
      effect(() => {
        log.push(`inner ${o}/${inner()}`);
      });
    });
    inner.set(1);
    outer.set(1);
    inner.set(2);
    expect(log).toEqual(["inner 0/0", "inner 0/1", "inner 1/1", "inner 1/2"]);
  });

  it("tracks dependencies dynamically", () => {
    const useA = signal(true);
    const a = signal(1);
    const b = signal(10);
    let runs = 0;
    effect(() => {
      runs++;
      if (useA()) a();
      else b();
    });
    useA.set(false);
    expect(runs).toBe(2);
    a.set(2);
    expect(runs).toBe(2);
    b.set(11);
    expect(runs).toBe(3);
  });

  it("an effect writing a signal it reads runs once per outside change (no loop)", () => {
    const s = signal(0);
    let runs = 0;
    effect(() => {
      runs++;
      s.set(s() + 1);
    });
    expect(runs).toBe(1);
    expect(s()).toBe(1);
    s.set(10);
    expect(runs).toBe(2);
    expect(s()).toBe(11);
  });

  it("two effects feeding each other terminate", () => {
    const x = signal(0);
    const y = signal(0);
    let runs = 0;
    effect(() => {
      runs++;
      y.set(x() + 1);
    });
    effect(() => {
      runs++;
      x.set(y() + 1);
    });
    expect(runs).toBe(3);
    x.set(100);
    expect(runs).toBe(5);
    x.set(200);
    expect(runs).toBe(7);
  });

  it("a later-run error reaches the writer after every other effect ran", () => {
    const a = signal(0);
    const seen: string[] = [];
    effect(() => {
      const v = a();
      seen.push(`A${v}`);
      if (v === 1) throw new RangeError("boom");
    });
    effect(() => {
      seen.push(`B${a()}`);
    });
    expect(() => a.set(1)).toThrow(RangeError);
    expect(seen).toEqual(["A0", "B0", "A1", "B1"]);
    a.set(2);
    expect(seen).toEqual(["A0", "B0", "A1", "B1", "A2", "B2"]);
    expect(a()).toBe(2);
  });

  it("errors from several effects arrive as one AggregateError, in run order", () => {
    const a = signal(0);
    effect(() => {
      if (a() === 1) throw new Error("first");
    });
    effect(() => {
      if (a() === 1) throw new Error("second");
    });
    let caught: unknown;
    try {
      a.set(1);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      "first",
      "second",
    ]);
    a.set(2);
  });

  it("an error in a batch's effect is thrown at the end of the outermost batch", () => {
    const a = signal(0);
    effect(() => {
      if (a() === 1) throw new RangeError("late");
    });
    let reached = false;
    expect(() =>
      batch(() => {
        a.set(1);
        reached = true;
      }),
    ).toThrow(RangeError);
    expect(reached).toBe(true);
    a.set(0);
  });

  it("an effect keeps the dependencies it read before throwing", () => {
    const a = signal(1);
    const b = signal(0);
    const seen: number[] = [];
    effect(() => {
      seen.push(a());
      if (a() === 2) throw new Error("two");
      b();
    });
    expect(() => a.set(2)).toThrow("two");
    b.set(1);
    expect(seen).toEqual([1, 2]);
    a.set(3);
    b.set(2);
    expect(seen).toEqual([1, 2, 3, 3]);
  });

  it("a first-run error is thrown by effect() and the effect is disposed", () => {
    const a = signal(0);
    let runs = 0;
    let cleaned = 0;
    expect(() =>
      effect(() => {
        runs++;
        onCleanup(() => cleaned++);
        a();
        throw new SyntaxError("setup");
      }),
    ).toThrow(SyntaxError);
    expect(cleaned).toBe(1);
    a.set(1);
    expect(runs).toBe(1);
  });

  it("an error thrown by a nested write goes to the outermost writer only", () => {
    const a = signal(0);
    const b = signal(0);
    effect(() => {
      b.set(a());
    });
    effect(() => {
      if (b() === 5) throw new RangeError("b5");
    });
    expect(() => a.set(5)).toThrow(RangeError);
    expect(b()).toBe(5);
    a.set(6);
    expect(b()).toBe(6);
  });

  it("reads of an erroring computed surface as the effect's error", () => {
    const a = signal(1);
    const c = computed(() => {
      if (a() === 0) throw new RangeError("zero");
      return a();
    });
    const seen: number[] = [];
    effect(() => {
      seen.push(c());
    });
    expect(() => a.set(0)).toThrow(RangeError);
    a.set(7);
    expect(seen).toEqual([1, 7]);
  });

  it("an effect can dispose itself while running", () => {
    const a = signal(0);
    let runs = 0;
    let cleaned = 0;
    const stop: () => void = effect(() => {
      runs++;
      if (a() === 1) stop();
      return () => cleaned++;
    });
    a.set(1);
    expect(cleaned).toBe(2);
    a.set(2);
    expect(runs).toBe(2);
  });

  it("an effect disposed during its first run lets go of its dependencies", () => {
    const a = signal(0);
    let computes = 0;
    const c = computed(() => {
      computes++;
      return a();
    });
    let runs = 0;
    createRoot((dispose) => {
      effect(() => {
        runs++;
        c();
        dispose();
      });
    });
    expect(computes).toBe(1);
    // With no subscriber left, alien-signals drops c's cache, so this read recomputes.
    expect(c()).toBe(0);
    expect(computes).toBe(2);
    a.set(1);
    expect(runs).toBe(1);
  });

  it("a cleanup error is reported to the writer and the effect still re-runs", () => {
    const a = signal(0);
    const seen: number[] = [];
    effect(() => {
      const v = a();
      seen.push(v);
      return () => {
        if (v === 0) throw new Error("cleanup");
      };
    });
    expect(() => a.set(1)).toThrow("cleanup");
    expect(seen).toEqual([0, 1]);
  });

  it("nested roots inside effects are owned by the run", () => {
    const a = signal(0);
    const log: string[] = [];
    effect(() => {
      const v = a();
      createRoot(() => onCleanup(() => log.push(`root ${v}`)));
    });
    a.set(1);
    expect(log).toEqual(["root 0"]);
  });
});
