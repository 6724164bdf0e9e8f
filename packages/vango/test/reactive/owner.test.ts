import { describe, expect, it } from "vitest";
import type { Owner } from "../../src/reactive/index.ts";
import {
  createRoot,
  createTracker,
  effect,
  getOwner,
  onCleanup,
  runWithOwner,
  signal,
} from "../../src/reactive/index.ts";

describe("owner", () => {
  it("createRoot returns fn's value, runs untracked, and is the current owner", () => {
    expect(getOwner()).toBeNull();
    const a = signal(0);
    let outerRuns = 0;
    effect(() => {
      outerRuns++;
      createRoot(() => a());
    });
    a.set(1);
    expect(outerRuns).toBe(1);
    const value = createRoot(() => {
      expect(getOwner()).not.toBeNull();
      return 42;
    });
    expect(value).toBe(42);
    expect(getOwner()).toBeNull();
  });

  it("disposing a parent disposes nested roots; cleanups run newest first, exactly once", () => {
    const log: string[] = [];
    const a = signal(0);
    let dispose!: () => void;
    let child!: Owner;
    createRoot((d) => {
      dispose = d;
      onCleanup(() => log.push("p1"));
      effect(() => {
        a();
        log.push("effect run");
        return () => log.push("effect cleanup");
      });
      createRoot(() => {
        child = getOwner()!;
        onCleanup(() => log.push("c1"));
        createRoot(() => onCleanup(() => log.push("g1")));
        onCleanup(() => log.push("c2"));
      });
      onCleanup(() => log.push("p2"));
    });
    log.length = 0;
    dispose();
    dispose();
    expect(log).toEqual(["p2", "c2", "g1", "c1", "effect cleanup", "p1"]);
    expect(child.disposed).toBe(true);
    a.set(1);
    expect(log).toHaveLength(6);
  });

  it("a child root disposed early is unlinked and not disposed again", () => {
    const log: string[] = [];
    createRoot((disposeParent) => {
      createRoot((disposeChild) => {
        onCleanup(() => log.push("child"));
        disposeChild();
      });
      onCleanup(() => log.push("parent"));
      disposeParent();
    });
    expect(log).toEqual(["child", "parent"]);
  });

  it("signals set after dispose do not run disposed effects or trackers", () => {
    const a = signal(0);
    let effectRuns = 0;
    let invalidations = 0;
    createRoot((dispose) => {
      effect(() => {
        a();
        effectRuns++;
      });
      createTracker(() => invalidations++).track(() => a());
      dispose();
    });
    a.set(1);
    a.set(2);
    expect(effectRuns).toBe(1);
    expect(invalidations).toBe(0);
  });

  it("runWithOwner attaches later work to a captured owner", () => {
    const log: string[] = [];
    let owner: Owner | null = null;
    let dispose!: () => void;
    createRoot((d) => {
      dispose = d;
      owner = getOwner();
    });
    const a = signal(0);
    const result = runWithOwner(owner, () => {
      effect(() => {
        log.push(`e${a()}`);
      });
      onCleanup(() => log.push("cleanup"));
      return "ok";
    });
    expect(result).toBe("ok");
    expect(getOwner()).toBeNull();
    dispose();
    a.set(1);
    expect(log).toEqual(["e0", "cleanup"]);
  });

  it("work created under a disposed owner is disposed at once", () => {
    let owner: Owner | null = null;
    createRoot((dispose) => {
      owner = getOwner();
      dispose();
    });
    const log: string[] = [];
    const a = signal(0);
    runWithOwner(owner, () => {
      effect(() => {
        log.push(`effect ${a()}`);
      });
      onCleanup(() => log.push("cleanup"));
      createRoot(() => {
        expect(getOwner()!.disposed).toBe(true);
        onCleanup(() => log.push("nested cleanup"));
      });
      const t = createTracker(() => log.push("invalidated"));
      expect(t.track(() => a())).toBe(0);
    });
    a.set(1);
    expect(log).toEqual(["cleanup", "nested cleanup"]);
  });

  it("onCleanup without an owner is a no-op", () => {
    expect(() => onCleanup(() => undefined)).not.toThrow();
  });

  it("createRoot disposes its root and rethrows when fn throws", () => {
    const log: string[] = [];
    expect(() =>
      createRoot(() => {
        onCleanup(() => log.push("cleaned"));
        throw new RangeError("setup");
      }),
    ).toThrow(RangeError);
    expect(log).toEqual(["cleaned"]);
  });

  it("every cleanup runs even if one throws; dispose rethrows", () => {
    const log: string[] = [];
    let dispose!: () => void;
    createRoot((d) => {
      dispose = d;
      onCleanup(() => log.push("first"));
      onCleanup(() => {
        throw new Error("bad cleanup");
      });
      onCleanup(() => log.push("last"));
    });
    expect(() => dispose()).toThrow("bad cleanup");
    expect(log).toEqual(["last", "first"]);
    expect(() => dispose()).not.toThrow();
  });

  it("an effect's disposer unlinks it from its owner", () => {
    const log: string[] = [];
    createRoot((dispose) => {
      const stop = effect(() => () => log.push("effect"));
      onCleanup(() => log.push("root"));
      stop();
      dispose();
    });
    expect(log).toEqual(["effect", "root"]);
  });
});
