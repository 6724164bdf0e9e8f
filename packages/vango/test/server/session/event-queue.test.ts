import { describe, expect, it } from "vitest";
import { EventQueue } from "../../../src/server/session/event-queue.ts";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe("EventQueue", () => {
  it("runs async tasks one at a time in order", async () => {
    const log: string[] = [];
    const q = new EventQueue<number>(
      async (n) => {
        log.push(`start ${n}`);
        await tick();
        log.push(`end ${n}`);
      },
      () => {},
      10,
    );
    q.push(1);
    q.push(2);
    q.push(3);
    expect(q.length).toBe(2);
    await q.whenIdle();
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("reports errors and continues", async () => {
    const errs: unknown[] = [];
    const done: number[] = [];
    const q = new EventQueue<number>(
      (n) => {
        if (n === 1) throw new Error("boom");
        done.push(n);
      },
      (e, n) => errs.push([n, (e as Error).message]),
      10,
    );
    q.push(1);
    q.push(2);
    await q.whenIdle();
    expect(errs).toEqual([[1, "boom"]]);
    expect(done).toEqual([2]);
  });

  it("refuses beyond max and after close", async () => {
    const q = new EventQueue<number>(
      () => tick(),
      () => {},
      2,
    );
    expect(q.push(1)).toBe(true); // starts running, leaves the waiting list
    expect(q.push(2)).toBe(true);
    expect(q.push(3)).toBe(true);
    expect(q.push(4)).toBe(false);
    q.close();
    expect(q.length).toBe(0);
    expect(q.push(5)).toBe(false);
    await q.whenIdle();
  });
});
