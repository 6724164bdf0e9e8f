import { describe, expect, it } from "vitest";
import { effect, signal } from "../../src/reactive/index.ts";

describe("signal", () => {
  it("reads, sets, updates and peeks", () => {
    const s = signal(1);
    expect(s()).toBe(1);
    s.set(2);
    expect(s()).toBe(2);
    s.update((n) => n * 10);
    expect(s()).toBe(20);
    expect(s.peek()).toBe(20);
  });

  it("shares its methods across signals (no closures per signal); bound, they still work", () => {
    const a = signal(1);
    const b = signal("x", { equals: (p, q) => p.toLowerCase() === q.toLowerCase() });
    expect(a.set).toBe((b as unknown as typeof a).set);
    expect(a.peek).toBe((b as unknown as typeof a).peek);
    const seen: string[] = [];
    effect(() => {
      seen.push(b());
    });
    const set = b.set.bind(b);
    set("X"); // equal by the custom equals: no change
    set("y");
    expect(seen).toEqual(["x", "y"]);
    expect(b.peek()).toBe("y");
  });

  it("peek is untracked", () => {
    const a = signal(1);
    const b = signal(10);
    const seen: number[] = [];
    effect(() => {
      seen.push(a() + b.peek());
    });
    b.set(20);
    a.set(2);
    expect(seen).toEqual([11, 22]);
  });

  it("defaults to Object.is: NaN does not notify, -0 over +0 does", () => {
    const s = signal(Number.NaN);
    const z = signal(0);
    const seen: number[] = [];
    effect(() => {
      seen.push(s());
    });
    const zs: number[] = [];
    effect(() => {
      zs.push(z());
    });
    s.set(Number.NaN);
    expect(seen).toHaveLength(1);
    z.set(-0);
    expect(zs).toHaveLength(2);
    expect(Object.is(zs[1], -0)).toBe(true);
    expect(Object.is(z(), -0)).toBe(true);
    z.set(-0);
    expect(zs).toHaveLength(2);
  });

  it("equals: false notifies on every write, even of the same object", () => {
    const list: number[] = [];
    const s = signal(list, { equals: false });
    const lengths: number[] = [];
    effect(() => {
      lengths.push(s().length);
    });
    list.push(1);
    s.set(list);
    list.push(2);
    s.set(list);
    expect(lengths).toEqual([0, 1, 2]);
    expect(s()).toBe(list);
  });

  it("custom equals decides what counts as a change", () => {
    const s = signal({ id: 1, label: "a" }, { equals: (a, b) => a.id === b.id });
    const labels: string[] = [];
    effect(() => {
      labels.push(s().label);
    });
    s.set({ id: 1, label: "b" });
    expect(labels).toEqual(["a"]);
    expect(s().label).toBe("a");
    s.set({ id: 2, label: "c" });
    expect(labels).toEqual(["a", "c"]);
  });

  it("custom equals that says 'different' for the identical value still notifies", () => {
    const obj = { n: 1 };
    const s = signal(obj, { equals: () => false });
    let runs = 0;
    effect(() => {
      s();
      runs++;
    });
    s.set(obj);
    expect(runs).toBe(2);
  });

  it("update passes the latest written value", () => {
    const s = signal(0);
    s.update((n) => n + 1);
    s.update((n) => n + 1);
    expect(s.peek()).toBe(2);
  });
});
