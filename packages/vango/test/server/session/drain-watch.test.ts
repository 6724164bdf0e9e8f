import { describe, expect, it } from "vitest";
import {
  ACK_GRACE_MS,
  DRAIN_WINDOW_MS,
  Drain,
  DrainWatch,
} from "../../../src/server/session/drain-watch.ts";

/** Floor of 1,000 B/s. */
const RATE = 1000;

describe("DrainWatch", () => {
  it("judges a window by the bytes drained in it, not by the backlog's size", () => {
    const w = new DrainWatch(1_000_000, 0, RATE);
    // 1 MB waiting drains at 1,200 B/s: slow to finish, but above the floor.
    let backlog = 1_000_000;
    for (let t = 1000; t <= 3 * DRAIN_WINDOW_MS; t += 1000) {
      backlog -= 1200;
      expect(w.sample(backlog, t)).toBe(Drain.Progress);
    }
  });

  it("a window that drained less than the floor is slow; bytes sent meanwhile count", () => {
    const w = new DrainWatch(10_000, 0, RATE);
    w.sent(4_000, 100);
    // 10,000 + 4,000 sent − 9,500 left = 4,500 drained in 5 s: under 5,000.
    expect(w.sample(9_500, DRAIN_WINDOW_MS - 1)).toBe(Drain.Progress);
    expect(w.sample(9_500, DRAIN_WINDOW_MS)).toBe(Drain.Slow);
  });

  it("a stall inside a window is forgiven when the window catches up", () => {
    const w = new DrainWatch(100_000, 0, RATE);
    expect(w.sample(100_000, 1000)).toBe(Drain.Progress);
    expect(w.sample(100_000, 2000)).toBe(Drain.Progress);
    expect(w.sample(94_000, DRAIN_WINDOW_MS)).toBe(Drain.Progress);
  });

  it("clears once nothing waits and nothing is due; a window restarts after a clear sample", () => {
    const w = new DrainWatch(500, 0, RATE);
    w.sent(100, 0);
    w.acked();
    expect(w.sample(0, 1000)).toBe(Drain.Clear);
    w.sent(400, 1500);
    w.acked();
    expect(w.sample(400, 2000)).toBe(Drain.Progress);
    expect(w.sample(400, 1000 + DRAIN_WINDOW_MS - 1)).toBe(Drain.Progress);
    expect(w.sample(400, 1000 + DRAIN_WINDOW_MS)).toBe(Drain.Slow);
  });

  it("bytes the kernel took whole are due as acks at the floor rate, plus a grace", () => {
    const w = new DrainWatch(0, 0, RATE);
    w.sent(10_000, 0); // due at 10 s
    expect(w.sample(0, 1000)).toBe(Drain.Progress);
    expect(w.sample(0, 10_000 + ACK_GRACE_MS)).toBe(Drain.Progress);
    expect(w.sample(0, 10_000 + ACK_GRACE_MS + 1)).toBe(Drain.Slow);
  });

  it("dues queue behind each other; an ack of everything clears them", () => {
    const w = new DrainWatch(0, 0, RATE);
    w.sent(2_000, 0); // due at 2 s
    w.sent(2_000, 1000); // due at 4 s, after the first
    expect(w.sample(0, 4_000 + ACK_GRACE_MS + 1)).toBe(Drain.Slow);
    const v = new DrainWatch(0, 0, RATE);
    v.sent(2_000, 0);
    v.acked();
    expect(v.sample(0, 60_000)).toBe(Drain.Clear);
  });
});
