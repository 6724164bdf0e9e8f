import { describe, expect, test } from "vitest";
import { PendingTasks } from "../../src/render/pending-tasks.ts";

describe("PendingTasks", () => {
  test("settled resolves true at zero tasks, false after its budget", async () => {
    const tasks = new PendingTasks();
    expect(await tasks.settled(10_000)).toBe(true);
    tasks.begin();
    expect(await tasks.settled(5)).toBe(false);
    const waiting = tasks.settled(10_000);
    tasks.end();
    expect(await waiting).toBe(true);
  });

  test("settled gives up at once when its stop signal aborts, and is let go", async () => {
    const tasks = new PendingTasks();
    tasks.begin();
    const stop = new AbortController();
    const t0 = performance.now();
    const waiting = tasks.settled(10_000, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5_000);
    // An aborted signal: false at once, with a task in flight; true with none.
    expect(await tasks.settled(10_000, stop.signal)).toBe(false);
    tasks.end();
    expect(await tasks.settled(10_000, stop.signal)).toBe(true);
  });

  test("a wait that ends drops its abort listener", async () => {
    const tasks = new PendingTasks();
    const stop = new AbortController();
    let listeners = 0;
    const signal = stop.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => {
      listeners++;
      add(...a);
    }) as typeof add;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      listeners--;
      remove(...a);
    }) as typeof remove;
    tasks.begin();
    expect(await tasks.settled(5, signal)).toBe(false); // its budget ran out
    expect(listeners).toBe(0);
    const waiting = tasks.settled(10_000, signal);
    expect(listeners).toBe(1);
    tasks.end();
    expect(await waiting).toBe(true);
    expect(listeners).toBe(0);
  });
});
