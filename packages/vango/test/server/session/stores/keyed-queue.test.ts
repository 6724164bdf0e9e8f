import { describe, expect, it } from "vitest";
import { KeyedQueue } from "../../../../src/server/session/stores/keyed-queue.ts";

/** A task that records its start and end, finishing when `release()` is called. */
function gated(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  const task = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    return name;
  };
  return { task, release };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("KeyedQueue", () => {
  it("runs one key's tasks in call order and other keys' tasks alongside", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a1 = gated(log, "a1");
    const a2 = gated(log, "a2");
    const b1 = gated(log, "b1");
    const r1 = q.run("a", a1.task);
    const r2 = q.run("a", a2.task);
    const r3 = q.run("b", b1.task);
    await tick();
    expect(log).toEqual(["start a1", "start b1"]);
    expect(q.size).toBe(2);
    a1.release();
    await tick();
    expect(log).toEqual(["start a1", "start b1", "end a1", "start a2"]);
    a2.release();
    b1.release();
    expect(await Promise.all([r1, r2, r3])).toEqual(["a1", "a2", "b1"]);
    await tick();
    expect(q.size).toBe(0);
  });

  it("passes a rejection to its caller and goes on with the next task", async () => {
    const q = new KeyedQueue();
    const failed = q.run("k", async () => {
      throw new Error("boom");
    });
    const next = q.run("k", async () => 2);
    const sync = q.run("j", (() => {
      throw new Error("sync");
    }) as () => Promise<never>);
    await expect(failed).rejects.toThrow("boom");
    await expect(sync).rejects.toThrow("sync");
    expect(await next).toBe(2);
  });

  it("runMany waits for every key's earlier task, and later tasks on any key wait for it", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = gated(log, "a");
    const many = gated(log, "many");
    const b = gated(log, "b");
    q.run("a", a.task);
    const m = q.runMany(["a", "c"], many.task);
    const after = q.run("c", b.task);
    await tick();
    expect(log).toEqual(["start a"]);
    a.release();
    await tick();
    expect(log).toEqual(["start a", "end a", "start many"]);
    many.release();
    b.release();
    await m;
    await after;
    expect(log).toEqual(["start a", "end a", "start many", "end many", "start b", "end b"]);
  });

  it("idle() resolves once everything queued so far has settled", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = gated(log, "a");
    q.run("a", a.task);
    q.run("a", async () => log.push("second"));
    let idle = false;
    const waiting = q.idle().then(() => {
      idle = true;
    });
    await tick();
    expect(idle).toBe(false);
    a.release();
    await waiting;
    expect(log).toEqual(["start a", "end a", "second"]);
  });
});
