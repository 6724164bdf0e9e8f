import { describe, expect, test } from "vitest";
import { createTracker } from "../../src/reactive/index.ts";
import { PropsStore } from "../../src/render/instance-props.ts";

function watch(fn: () => unknown): { count: () => number; retrack: () => void } {
  let n = 0;
  const t = createTracker(() => {
    n++;
  });
  t.track(fn);
  return { count: () => n, retrack: () => t.track(fn) };
}

describe("PropsStore", () => {
  test("the proxy reads the latest props", () => {
    const s = new PropsStore({ a: 1, children: "x" });
    const p = s.proxy;
    expect(p.a).toBe(1);
    expect(p.children).toBe("x");
    s.update({ a: 2 });
    expect(p.a).toBe(2);
    expect(p.children).toBeUndefined();
    expect(p.constructor).toBeUndefined();
  });

  test("only readers of changed props are invalidated", () => {
    const s = new PropsStore({ a: 1, b: "x" });
    const readsA = watch(() => s.proxy.a);
    const readsB = watch(() => s.proxy.b);
    s.update({ a: 2, b: "x" });
    expect(readsA.count()).toBe(1);
    expect(readsB.count()).toBe(0);
    s.update({ a: 2, b: "x" });
    expect(readsA.count()).toBe(1);
    readsA.retrack();
    s.update({ b: "x" });
    expect(readsA.count()).toBe(2);
    expect(readsB.count()).toBe(0);
  });

  test("untracked reads (setup) subscribe nothing; a later tracked read is invalidated", () => {
    const s = new PropsStore({ a: 1 });
    expect(s.proxy.a).toBe(1);
    expect("a" in s.proxy).toBe(true);
    s.update({ a: 2 });
    const r = watch(() => s.proxy.a);
    const keys = watch(() => "b" in s.proxy);
    s.update({ a: 3 });
    expect(r.count()).toBe(1);
    expect(keys.count()).toBe(0);
    s.update({ a: 3, b: 1 });
    expect(keys.count()).toBe(1);
  });

  test("a function or NaN prop compares by identity / Object.is", () => {
    const f = () => 1;
    const s = new PropsStore({ f, n: Number.NaN });
    const r = watch(() => [s.proxy.f, s.proxy.n]);
    s.update({ f, n: Number.NaN });
    expect(r.count()).toBe(0);
    s.update({ f: () => 1, n: Number.NaN });
    expect(r.count()).toBe(1);
  });

  test("enumeration tracks the key set", () => {
    const s = new PropsStore({ a: 1 });
    const keys = watch(() => "b" in s.proxy);
    expect({ ...s.proxy }).toEqual({ a: 1 });
    expect("a" in s.proxy).toBe(true);
    s.update({ a: 1, b: 2 });
    expect(keys.count()).toBe(1);
    expect({ ...s.proxy }).toEqual({ a: 1, b: 2 });
  });

  test("is read-only", () => {
    const s = new PropsStore({ a: 1 });
    const p = s.proxy as Record<string, unknown>;
    expect(() => {
      p.a = 2;
    }).toThrow(TypeError);
    expect(() => {
      delete p.a;
    }).toThrow(TypeError);
    expect(p.a).toBe(1);
  });
});
