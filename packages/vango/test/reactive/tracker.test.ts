import { effect as alienEffect } from "alien-signals";
import { describe, expect, it } from "vitest";
import {
  batch,
  computed,
  createRoot,
  createTracker,
  signal,
  untracked,
} from "../../src/reactive/index.ts";

/** A computed of `a() * 2` that counts how often it computes. */
function doubled(a: () => number) {
  const counter = { computes: 0 };
  const c = computed(() => {
    counter.computes++;
    return a() * 2;
  });
  return { c, counter };
}

describe("createTracker", () => {
  it("track returns fn's value and invalidates once per cycle", () => {
    const a = signal(1);
    const b = signal(2);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    expect(t.track(() => a() + b())).toBe(3);
    a.set(10);
    b.set(20);
    a.set(11);
    expect(invalidations).toBe(1);
    expect(t.track(() => a() + b())).toBe(31);
    expect(invalidations).toBe(1);
    b.set(21);
    expect(invalidations).toBe(2);
  });

  it("passes its argument to onInvalidate (one callback for many trackers)", () => {
    const a = signal(1);
    const hits: string[] = [];
    const onInvalidate = (name: string) => hits.push(name);
    const t1 = createTracker(onInvalidate, "first");
    const t2 = createTracker(onInvalidate, "second");
    t1.track(() => a());
    t2.track(() => a());
    a.set(2);
    expect(hits.sort()).toEqual(["first", "second"]);
    t1.dispose();
    t2.dispose();
  });

  it("never re-runs fn", () => {
    const a = signal(0);
    let runs = 0;
    const t = createTracker(() => undefined);
    t.track(() => {
      runs++;
      return a();
    });
    a.set(1);
    a.set(2);
    expect(runs).toBe(1);
  });

  it("invalidates after the batch ends, once", () => {
    const a = signal(0);
    const log: string[] = [];
    const t = createTracker(() => log.push("invalidate"));
    t.track(() => a());
    batch(() => {
      a.set(1);
      a.set(2);
      log.push("batch end");
    });
    expect(log).toEqual(["batch end", "invalidate"]);
  });

  it("does not fire for a computed whose value did not change", () => {
    const a = signal(1);
    const parity = computed(() => a() % 2);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => parity());
    a.set(3);
    expect(invalidations).toBe(0);
    a.set(4);
    expect(invalidations).toBe(1);
  });

  it("re-collects dependencies from scratch on each track", () => {
    const a = signal(0);
    const b = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => a());
    t.track(() => b());
    a.set(1);
    expect(invalidations).toBe(0);
    b.set(1);
    expect(invalidations).toBe(1);
  });

  it("reads inside untracked are not tracked", () => {
    const a = signal(0);
    const b = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => a() + untracked(() => b()));
    b.set(1);
    expect(invalidations).toBe(0);
    a.set(1);
    expect(invalidations).toBe(1);
  });

  it("after dispose there are no callbacks and track runs fn untracked", () => {
    const a = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => a());
    t.dispose();
    a.set(1);
    expect(t.track(() => a() * 2)).toBe(2);
    a.set(2);
    expect(invalidations).toBe(0);
  });

  it("reads in onInvalidate are not tracked and it may re-track synchronously", () => {
    const a = signal(0);
    const values: number[] = [];
    const t = createTracker(() => {
      values.push(t.track(() => a()));
    });
    values.push(t.track(() => a()));
    a.set(1);
    a.set(2);
    expect(values).toEqual([0, 1, 2]);
  });

  it("track rethrows fn's error and stays armed on what fn read", () => {
    const a = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    expect(() =>
      t.track(() => {
        a();
        throw new RangeError("render");
      }),
    ).toThrow(RangeError);
    a.set(1);
    expect(invalidations).toBe(1);
  });

  it("an onInvalidate error reaches the writer and later updates still work", () => {
    const a = signal(0);
    let calls = 0;
    const t = createTracker(() => {
      calls++;
      throw new Error("scheduler");
    });
    t.track(() => a());
    expect(() => a.set(1)).toThrow("scheduler");
    t.track(() => a());
    expect(() => a.set(2)).toThrow("scheduler");
    expect(calls).toBe(2);
  });

  it("a tracker disposed while fn runs lets go of its dependencies", () => {
    const a = signal(0);
    let computes = 0;
    const c = computed(() => {
      computes++;
      return a();
    });
    let invalidations = 0;
    createRoot((dispose) => {
      createTracker(() => invalidations++).track(() => {
        c();
        dispose();
      });
    });
    expect(c()).toBe(0);
    expect(computes).toBe(2);
    a.set(1);
    expect(invalidations).toBe(0);
  });

  it("is disposed with its owner", () => {
    const a = signal(0);
    let invalidations = 0;
    createRoot((dispose) => {
      createTracker(() => invalidations++).track(() => a());
      dispose();
    });
    a.set(1);
    expect(invalidations).toBe(0);
  });

  it("tracks reads of fn even when called inside another tracking context", () => {
    const a = signal(0);
    const b = signal(0);
    let outer = 0;
    let inner = 0;
    const innerTracker = createTracker(() => inner++);
    const outerTracker = createTracker(() => outer++);
    outerTracker.track(() => {
      a();
      innerTracker.track(() => b());
    });
    b.set(1);
    expect([outer, inner]).toEqual([0, 1]);
    a.set(1);
    expect([outer, inner]).toEqual([1, 1]);
  });

  it("keeps dependencies read again in another order", () => {
    const a = signal(0);
    const b = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => a() + b());
    t.track(() => b() + a());
    b.set(1);
    expect(invalidations).toBe(1);
    t.track(() => b() + a() + b());
    t.track(() => a() + b() + a());
    a.set(1);
    expect(invalidations).toBe(2);
    t.track(() => b() + a());
    t.track(() => a() + b());
    b.set(2);
    expect(invalidations).toBe(3);
  });

  it("stops on dependencies the last track did not read, after an invalidation too", () => {
    const flag = signal(true);
    const a = signal(0);
    const b = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    const view = () => (flag() ? a() : b());
    t.track(view);
    b.set(1);
    expect(invalidations).toBe(0);
    flag.set(false);
    expect(invalidations).toBe(1);
    a.set(5);
    b.set(2);
    expect(invalidations).toBe(1);
    expect(t.track(view)).toBe(2);
    a.set(6);
    expect(invalidations).toBe(1);
    b.set(3);
    expect(invalidations).toBe(2);
    flag.set(true);
    expect(t.track(view)).toBe(6);
    b.set(4);
    expect(invalidations).toBe(2);
    a.set(7);
    expect(invalidations).toBe(3);
  });

  it("a computed read again by the next track keeps its cached value", () => {
    const { c, counter } = doubled(signal(1));
    const other = signal(0);
    const t = createTracker(() => undefined);
    t.track(() => c() + other());
    other.set(1);
    expect(t.track(() => c() + other())).toBe(3);
    expect(counter.computes).toBe(1);
  });

  it("lets go of a computed no longer read: it drops its sources and recomputes on read", () => {
    const a = signal(1);
    const { c, counter } = doubled(a);
    const other = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => c() + other());
    t.track(() => other());
    a.set(2);
    expect(invalidations).toBe(0);
    expect(counter.computes).toBe(1);
    expect(c()).toBe(4);
    expect(counter.computes).toBe(2);
  });

  it("a tracker disposed while a later fn runs lets go of what it read", () => {
    const a = signal(0);
    const b = signal(0);
    let invalidations = 0;
    let dispose!: () => void;
    let t!: ReturnType<typeof createTracker>;
    createRoot((d) => {
      dispose = d;
      t = createTracker(() => invalidations++);
    });
    t.track(() => a());
    t.track(() => {
      a();
      dispose();
      b();
    });
    a.set(1);
    b.set(1);
    expect(invalidations).toBe(0);
  });

  it("a write to a dependency while fn runs does not invalidate until another change", () => {
    const a = signal(0);
    const b = signal(0);
    let invalidations = 0;
    const t = createTracker(() => invalidations++);
    t.track(() => a() + b());
    const seen = t.track(() => {
      const v = a();
      a.set(v + 1);
      return v + b();
    });
    expect(seen).toBe(0);
    expect(invalidations).toBe(0);
    b.set(1);
    expect(invalidations).toBe(1);
    expect(t.track(() => a() + b())).toBe(2);
  });

  it("another tracker sees a write made while fn runs", () => {
    const a = signal(0);
    let invalidations = 0;
    const reader = createTracker(() => invalidations++);
    reader.track(() => a());
    const writer = createTracker(() => undefined);
    writer.track(() => undefined);
    writer.track(() => a.set(1));
    expect(invalidations).toBe(1);
  });

  it("disposes an alien-signals effect created inside fn when it tracks again", () => {
    const a = signal(0);
    let runs = 0;
    const t = createTracker(() => undefined);
    t.track(() => {
      alienEffect(() => {
        a();
        runs++;
      });
    });
    a.set(1);
    expect(runs).toBe(2);
    t.track(() => undefined);
    a.set(2);
    expect(runs).toBe(2);
  });
});
