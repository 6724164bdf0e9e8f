import { describe, expect, it } from "vitest";
import { FrameHistory } from "../../../src/server/session/history.ts";

const f = (n: number, fill = n) => new Uint8Array(n).fill(fill);

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
    expect(h.since(2, 3)).toEqual([c]);
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

  it("keeps exact bytes through buffer growth, compaction and acks (model check)", () => {
    // A reference model (a plain list) against random pushes, acks and resumes.
    let rnd = 7;
    const next = () => {
      rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
      return rnd / 2 ** 31;
    };
    const maxFrames = 12;
    const maxBytes = 700;
    const h = new FrameHistory(maxFrames, maxBytes);
    let model: { seq: number; bytes: Uint8Array }[] = [];
    let lost = 0;
    let seq = 0;
    for (let step = 0; step < 5000; step++) {
      const r = next();
      if (r < 0.6) {
        seq++;
        const len = 1 + Math.floor(next() * (next() < 0.05 ? 900 : 120));
        const bytes = f(len, seq % 251);
        h.push(seq, bytes);
        model.push({ seq, bytes });
        let total = model.reduce((a, m) => a + m.bytes.length, 0);
        while (model.length > 0 && (model.length > maxFrames || total > maxBytes)) {
          total -= model[0]!.bytes.length;
          lost = Math.max(lost, model.shift()!.seq);
        }
      } else if (r < 0.85) {
        const upTo = Math.floor(next() * (seq + 1));
        h.ack(upTo);
        model = model.filter((m) => m.seq > upTo);
      } else {
        const last = Math.floor(next() * (seq + 1));
        const want = model.filter((m) => m.seq > last);
        const ok = last === seq || (last >= lost && want[0]?.seq === last + 1);
        expect(h.since(last, seq)).toEqual(ok ? want.map((m) => m.bytes) : undefined);
      }
      expect(h.size).toBe(model.length);
      expect(h.bytes).toBe(model.reduce((a, m) => a + m.bytes.length, 0));
    }
  });
});
