import { describe, expect, it } from "vitest";
import { FrameHistory } from "../../src/server/history.ts";

const f = (n: number) => new Uint8Array(n);

describe("FrameHistory", () => {
  it("returns missed frames and trims on ack", () => {
    const h = new FrameHistory(10, 1000);
    const a = f(1);
    const b = f(2);
    const c = f(3);
    h.push(1, a);
    h.push(2, b);
    h.push(3, c);
    expect(h.since(1, 3)).toEqual([b, c]);
    expect(h.since(3, 3)).toEqual([]);
    expect(h.since(0, 3)).toEqual([a, b, c]);
    h.ack(2);
    expect(h.size).toBe(1);
    expect(h.bytes).toBe(3);
    expect(h.since(2, 3)?.[0]).toBe(c);
    expect(h.since(1, 3)).toBeUndefined();
    expect(h.since(4, 3)).toBeUndefined();
  });

  it("drops oldest beyond frame and byte caps; resume from before is impossible", () => {
    const h = new FrameHistory(2, 1000);
    h.push(1, f(1));
    h.push(2, f(1));
    h.push(3, f(1));
    expect(h.size).toBe(2);
    expect(h.since(0, 3)).toBeUndefined();
    expect(h.since(1, 3)?.length).toBe(2);
    const g = new FrameHistory(100, 10);
    g.push(1, f(6));
    g.push(2, f(6));
    expect(g.size).toBe(1);
    expect(g.bytes).toBe(6);
    expect(g.since(1, 2)?.length).toBe(1);
    g.push(3, f(20));
    expect(g.size).toBe(0);
    expect(g.bytes).toBe(0);
    expect(g.since(2, 3)).toBeUndefined();
  });
});
